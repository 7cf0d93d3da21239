// The platform's OpenTelemetry wiring per environment: the sidecars' Configurations export to the
// environment's endpoint with the manifest's sampling rate, the services get the same endpoint in
// the standard OTEL_* variables, compose and the dev overlay run a collector, and the
// NetworkPolicies open exactly the export and the scrape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { renderedPlatform } from "../support/platforms.js";
import type { Tree } from "../../src/tree/tree.js";

type Obj = any;

function doc(tree: Tree, path: string): Obj {
  const file = tree.get(path);
  assert.ok(file, `${path} is generated`);
  return parse(file.content);
}

const withObservability = (block: string) => `${learnflowPreset()}\nobservability:\n${block}`;

test("defaults: compose and dev export to their own collector, dapr run and prod nowhere, every trace sampled", () => {
  const tree = renderedPlatform(learnflowPreset());
  assert.deepEqual(doc(tree, "dapr/config.yaml").spec.tracing, { samplingRate: "1", stdout: false });
  assert.deepEqual(doc(tree, "dapr/config-compose.yaml").spec.tracing.otel, {
    endpointAddress: "otel-collector:4318",
    isSecure: false,
    protocol: "http",
  });
  const compose = doc(tree, "docker-compose.yml");
  assert.equal(compose.services["otel-collector"].image, "otel/opentelemetry-collector:0.165.0");
  assert.deepEqual(compose.services["otel-collector"].volumes, ["./otel/collector.yaml:/etc/otelcol/config.yaml:ro"]);
  assert.equal(compose.services["triage-service"].environment.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel-collector:4318");
  assert.ok(compose.services["triage-service-dapr"].command.includes("/dapr/config-compose.yaml"));
  const collector = doc(tree, "otel/collector.yaml");
  assert.deepEqual(collector.service.pipelines.traces.receivers, ["otlp"]);
  assert.equal(collector.receivers.otlp.protocols.http.endpoint, "0.0.0.0:4318");

  const run = doc(tree, "dapr.yaml");
  for (const app of run.apps) assert.equal(app.env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, "dapr run exports nowhere by default");

  // dev: every service's Configuration exports to the overlay's collector, which the overlay runs
  const devConfig = doc(tree, "deploy/overlays/dev/dapr/configuration-triage-service.yaml");
  assert.equal(devConfig.spec.tracing.otel.endpointAddress, "otel-collector:4318");
  assert.ok(devConfig.spec.accessControl, "the access-control list is kept beside the tracing");
  const devKustomization = doc(tree, "deploy/overlays/dev/kustomization.yaml");
  for (const file of [
    "otel-collector/deployment.yaml",
    "otel-collector/service.yaml",
    "otel-collector/configmap.yaml",
    "otel-collector/networkpolicy.yaml",
    "network/otel-collector-egress.yaml",
  ]) {
    assert.ok(devKustomization.resources.includes(file), file);
  }
  const patch = devKustomization.patches.find((p: Obj) => p.target.name === "triage-service-config");
  assert.deepEqual(JSON.parse(patch.patch).find((op: Obj) => op.path === "/data/OTEL_EXPORTER_OTLP_ENDPOINT").value, "http://otel-collector:4318");

  // prod: no endpoint named, so no exporter, no variables, no egress opened
  const prodConfig = doc(tree, "deploy/overlays/prod/dapr/configuration-triage-service.yaml");
  assert.equal(prodConfig.spec.tracing.otel, undefined);
  const prodKustomization = doc(tree, "deploy/overlays/prod/kustomization.yaml");
  assert.equal(prodKustomization.patches, undefined);
  assert.equal(tree.get("deploy/overlays/prod/network/otel-collector-egress.yaml"), undefined);
  assert.equal(tree.get("deploy/overlays/prod/otel-collector/deployment.yaml"), undefined);
});

test("the dev collector: reachable on 4318 from the platform's pods only, hardened, and its egress policy selects it", () => {
  const tree = renderedPlatform(learnflowPreset());
  const policy = doc(tree, "deploy/overlays/dev/otel-collector/networkpolicy.yaml");
  assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
  assert.equal(policy.spec.egress, undefined, "the debug exporter sends nowhere");
  assert.deepEqual(policy.spec.ingress[0].ports, [{ protocol: "TCP", port: 4318 }]);
  assert.deepEqual(policy.spec.ingress[0].from[0].podSelector.matchExpressions[0].values, [
    "triage-service",
    "concepts-service",
    "code-review-service",
    "debug-service",
    "exercise-service",
    "progress-service",
  ]);
  const deployment = doc(tree, "deploy/overlays/dev/otel-collector/deployment.yaml");
  const container = deployment.spec.template.spec.containers[0];
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
  assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
  const egress = doc(tree, "deploy/overlays/dev/network/otel-collector-egress.yaml");
  assert.deepEqual(egress.spec.egress, [{ to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "otel-collector" } } }], ports: [{ protocol: "TCP", port: 4318 }] }]);
});

test("a prod endpoint in another namespace: Configurations, ConfigMaps and the egress to that namespace only", () => {
  const tree = renderedPlatform(withObservability("  samplingRate: 0.1\n  endpoints:\n    prod: http://otel-collector.observability:4318\n"));
  const config = doc(tree, "deploy/overlays/prod/dapr/configuration-progress-service.yaml");
  assert.deepEqual(config.spec.tracing, {
    samplingRate: "0.1",
    stdout: false,
    otel: { endpointAddress: "otel-collector.observability:4318", isSecure: false, protocol: "http" },
  });
  const patches = doc(tree, "deploy/overlays/prod/kustomization.yaml").patches;
  assert.equal(patches.length, 6);
  const ops = JSON.parse(patches[0].patch);
  assert.deepEqual(Object.fromEntries(ops.map((op: Obj) => [op.path, op.value])), {
    "/data/OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector.observability:4318",
    "/data/OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
    "/data/OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
    "/data/OTEL_TRACES_SAMPLER_ARG": "0.1",
  });
  const egress = doc(tree, "deploy/overlays/prod/network/otel-collector-egress.yaml");
  assert.deepEqual(egress.spec.egress, [
    { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }], ports: [{ protocol: "TCP", port: 4318 }] },
  ]);
  // the same rate in every environment
  assert.equal(doc(tree, "dapr/config.yaml").spec.tracing.samplingRate, "0.1");
  assert.equal(doc(tree, "docker-compose.yml").services["triage-service"].environment.OTEL_TRACES_SAMPLER_ARG, "0.1");
});

test("a hosted https endpoint: TLS for the sidecars, and egress on its port to any destination (its address is not known)", () => {
  const tree = renderedPlatform(withObservability("  endpoints:\n    prod: https://otlp.example.com:443\n    local: http://localhost:4318\n    compose: false\n"));
  assert.deepEqual(doc(tree, "deploy/overlays/prod/dapr/configuration-triage-service.yaml").spec.tracing.otel, {
    endpointAddress: "otlp.example.com:443",
    isSecure: true,
    protocol: "http",
  });
  assert.deepEqual(doc(tree, "deploy/overlays/prod/network/otel-collector-egress.yaml").spec.egress, [{ ports: [{ protocol: "TCP", port: 443 }] }]);
  // local: dapr run exports to the named endpoint; compose: turned off, so no collector either
  assert.equal(doc(tree, "dapr/config.yaml").spec.tracing.otel.endpointAddress, "localhost:4318");
  for (const app of doc(tree, "dapr.yaml").apps) assert.equal(app.env.OTEL_EXPORTER_OTLP_ENDPOINT, "http://localhost:4318");
  const compose = doc(tree, "docker-compose.yml");
  assert.equal(compose.services["otel-collector"], undefined);
  assert.equal(compose.services["triage-service"].environment.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  assert.equal(doc(tree, "dapr/config-compose.yaml").spec.tracing.otel, undefined);
  assert.equal(tree.get("otel/collector.yaml"), undefined);
});

test("Prometheus in a labelled namespace may scrape every sidecar's metrics port, and nothing else", () => {
  const tree = renderedPlatform(learnflowPreset());
  assert.ok(doc(tree, "deploy/base/kustomization.yaml").resources.includes("networkpolicy-metrics-scrape.yaml"));
  const policy = doc(tree, "deploy/base/networkpolicy-metrics-scrape.yaml");
  assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
  assert.deepEqual(policy.spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { "fastdapr.io/metrics-scraper": "true" } } }], ports: [{ protocol: "TCP", port: 9090 }] }]);
  assert.equal(policy.spec.podSelector.matchExpressions[0].values.length, 6);
});
