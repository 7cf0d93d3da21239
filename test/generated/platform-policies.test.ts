// The security objects of a generated LearnFlow platform, read from what `kubectl kustomize` renders
// for each overlay: the Dapr access-control lists and the NetworkPolicies follow the declared graph
// (LearnFlow: triage-service invokes progress-service, nothing else invokes anything), the rendered
// set validates, and the self-hosted configuration stays permissive (ACLs need mTLS).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { runCli } from "../support/cli.js";
import { validateKubernetesSet, type Problem } from "../support/validators/index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const SERVICES = ["triage-service", "concepts-service", "code-review-service", "debug-service", "exercise-service", "progress-service"];
const AGENTS = ["code-review-service", "debug-service", "exercise-service"];
const CALLERS: Record<string, string[]> = { "progress-service": ["triage-service"] };
const CALLEES: Record<string, string[]> = { "triage-service": ["progress-service"] };
/** the preset marks triage-service `public`: the students' HTTP entry */
const PUBLIC = ["triage-service"];
const PORTS: Record<string, number> = {
  "triage-service": 8001,
  "concepts-service": 8002,
  "code-review-service": 8003,
  "debug-service": 8004,
  "exercise-service": 8005,
  "progress-service": 8006,
};
const NAMESPACES = { dev: "learnflow-dev", prod: "learnflow" } as const;

const cwd = mkdtempSync(join(tmpdir(), "fastdapr-policies-"));
const platform = join(cwd, "learnflow");
const rendered: Record<string, { text: string; objects: Obj[] }> = {};

const show = (problems: Problem[]) => problems.map((p) => `${p.file}: [${p.rule}] ${p.message}`).join("\n");
const find = (objects: Obj[], kind: string, name: string): Obj => {
  const hit = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(hit, `${kind}/${name} is rendered`);
  return hit;
};
const portsOf = (rule: Obj): string[] => (rule.ports ?? []).map((p: Obj) => `${p.protocol}/${p.port}`).sort();
const podNames = (peers: Obj[] = []): string[] => peers.map((peer) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"]).sort();
/** the rules of a policy direction that open a given TCP port */
const rulesFor = (rules: Obj[] = [], port: number): Obj[] => rules.filter((r) => portsOf(r).includes(`TCP/${port}`));

test("init --preset learnflow, then kubectl kustomize renders both overlays into a valid set", async () => {
  const run = await runCli(["init", "learnflow", "--preset", "learnflow", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  for (const overlay of ["dev", "prod"] as const) {
    const text = execFileSync("kubectl", ["kustomize", join(platform, "deploy/overlays", overlay)], { encoding: "utf8" });
    const objects = parseAllDocuments(text).map((d) => (d as { toJS(): unknown }).toJS());
    rendered[overlay] = { text, objects };
    const problems = validateKubernetesSet([{ file: `${overlay}.yaml`, text }]);
    assert.deepEqual(problems, [], show(problems));
  }
});

for (const overlay of ["dev", "prod"] as const) {
  const namespace = NAMESPACES[overlay];

  test(`${overlay}: every Deployment points at its own Configuration, whose ACL allows exactly its declared callers`, () => {
    const { objects } = rendered[overlay]!;
    for (const svc of SERVICES) {
      const deployment = find(objects, "Deployment", svc);
      const configName = deployment.spec.template.metadata.annotations["dapr.io/config"];
      assert.equal(configName, `appconfig-${svc}`);
      const config = find(objects, "Configuration", configName);
      assert.equal(config.metadata.namespace, namespace);
      // the shared tracing and metrics settings are kept; traces go to the overlay's OTLP endpoint
      // (dev: its own collector; prod: none unless the manifest names one, docs/observability.md)
      const otel = { endpointAddress: "otel-collector:4318", isSecure: false, protocol: "http" };
      assert.deepEqual(config.spec.tracing, { samplingRate: "1", stdout: false, ...(overlay === "dev" ? { otel } : {}) });
      assert.deepEqual(config.spec.metric, { enabled: true, http: { increasedCardinality: false } });
      const acl = config.spec.accessControl;
      assert.equal(acl.defaultAction, "deny", svc);
      assert.equal(acl.trustDomain, "public");
      const expected = (CALLERS[svc] ?? []).map((appId) => ({ appId, defaultAction: "allow", trustDomain: "public", namespace }));
      assert.deepEqual(acl.policies, expected, svc);
    }
    // no pod uses the permissive shared Configuration, so it is not deployed
    assert.equal(objects.filter((o) => o.kind === "Configuration" && o.metadata.name === "appconfig").length, 0);
  });

  test(`${overlay}: the namespace is deny-all by default`, () => {
    const { objects } = rendered[overlay]!;
    const deny = find(objects, "NetworkPolicy", "default-deny");
    assert.equal(deny.metadata.namespace, namespace);
    assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  test(`${overlay}: sidecar port 50002 is open exactly along the declared invocations`, () => {
    const { objects } = rendered[overlay]!;
    for (const svc of SERVICES) {
      const policy = find(objects, "NetworkPolicy", svc);
      assert.deepEqual(policy.spec.podSelector, { matchLabels: { "app.kubernetes.io/name": svc } });
      assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
      const inbound = rulesFor(policy.spec.ingress, 50002);
      const outbound = rulesFor(policy.spec.egress, 50002);
      assert.deepEqual(
        inbound.flatMap((r) => podNames(r.from)),
        CALLERS[svc] ?? [],
        `${svc}: 50002 ingress`,
      );
      assert.deepEqual(
        outbound.flatMap((r) => podNames(r.to)),
        CALLEES[svc] ?? [],
        `${svc}: 50002 egress`,
      );
      // every rule that opens 50002 names its peers: never "from/to anywhere"
      for (const r of [...inbound, ...outbound]) assert.ok((r.from ?? r.to)?.length > 0, svc);
    }
    // and no other policy opens 50002 (policies are additive)
    const others = objects.filter((o) => o.kind === "NetworkPolicy" && !SERVICES.includes(o.metadata.name));
    for (const o of others) {
      assert.deepEqual([...rulesFor(o.spec.ingress, 50002), ...rulesFor(o.spec.egress, 50002)], [], o.metadata.name);
    }
  });

  test(`${overlay}: only the public triage-service admits the labelled ingress controller, on its app port; no other port is open inbound`, () => {
    const { objects } = rendered[overlay]!;
    const controller = { namespaceSelector: { matchLabels: { "fastdapr.io/ingress-controller": "true" } } };
    // besides the services' own policies, only the sidecars' metrics port opens inbound, to the
    // labelled Prometheus namespace (docs/observability.md)
    const scrape = find(objects, "NetworkPolicy", "metrics-scrape");
    assert.deepEqual(scrape.spec.ingress, [
      { from: [{ namespaceSelector: { matchLabels: { "fastdapr.io/metrics-scraper": "true" } } }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
    for (const svc of SERVICES) {
      const policy = find(objects, "NetworkPolicy", svc);
      const appRules = rulesFor(policy.spec.ingress, PORTS[svc]!);
      const admitsController = (policy.spec.ingress ?? []).filter((r: Obj) => (r.from ?? []).some((peer: Obj) => peer.namespaceSelector));
      if (PUBLIC.includes(svc)) {
        assert.equal(appRules.length, 1, svc);
        assert.deepEqual(appRules[0].from, [controller]);
        assert.deepEqual(admitsController, appRules, svc);
      } else {
        assert.deepEqual(appRules, [], `${svc} is not public: nothing reaches its app port`);
        assert.deepEqual(admitsController, [], `${svc} is not public: no rule admits the ingress controller`);
      }
      const opened = (policy.spec.ingress ?? []).flatMap(portsOf).sort();
      const expected = [...((CALLERS[svc] ?? []).length > 0 ? ["TCP/50002"] : []), ...(PUBLIC.includes(svc) ? [`TCP/${PORTS[svc]}`] : [])];
      assert.deepEqual(opened, expected.sort(), svc);
    }
    // and no other policy admits anything (the dev collector admits the platform's pods only:
    // test/unit/observability-render.test.ts)
    const others = ["metrics-scrape", "otel-collector"];
    for (const o of objects.filter((x) => x.kind === "NetworkPolicy" && ![...SERVICES, ...others].includes(x.metadata.name))) {
      assert.deepEqual(o.spec.ingress ?? [], [], o.metadata.name);
    }
  });

  test(`${overlay}: egress to DNS, the Dapr control plane, and HTTPS only for agent services`, () => {
    const { objects } = rendered[overlay]!;
    for (const svc of SERVICES) {
      const egress: Obj[] = find(objects, "NetworkPolicy", svc).spec.egress;
      const dns = egress.find((r) => portsOf(r).includes("UDP/53"));
      assert.deepEqual(portsOf(dns), ["TCP/53", "UDP/53"]);
      assert.deepEqual(dns.to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }]);
      const controlPlane = egress.find((r) => portsOf(r).includes("TCP/50001"));
      assert.deepEqual(portsOf(controlPlane), ["TCP/50001", "TCP/50005", "TCP/50006", "TCP/6500"]);
      assert.deepEqual(controlPlane.to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dapr-system" } } }]);
      const https = rulesFor(egress, 443);
      assert.equal(https.length, AGENTS.includes(svc) ? 1 : 0, `${svc}: HTTPS egress`);
    }
  });
}

test("dev: every service may reach the in-cluster Redis (state and Redis Streams pub/sub) and nothing else", () => {
  const { objects } = rendered.dev!;
  // (otel-collector-egress, to the overlay's collector, is tested in test/unit/observability-render.test.ts)
  const egress = objects.filter((o) => o.kind === "NetworkPolicy" && o.metadata.name.endsWith("-egress"));
  assert.deepEqual(egress.map((o) => o.metadata.name).sort(), ["otel-collector-egress", "pubsub-egress", "state-store-egress"]);
  const stores = egress.filter((o) => o.metadata.name !== "otel-collector-egress");
  const manifest = parse(readFileSync(join(platform, "fastdapr.yaml"), "utf8"));
  assert.equal(manifest.defaults.pubsub.dev, "redis", "the preset's dev pub/sub is Redis Streams");
  for (const o of stores) {
    assert.deepEqual(o.spec.policyTypes, ["Egress"]);
    assert.deepEqual(o.spec.podSelector.matchExpressions, [{ key: "app.kubernetes.io/name", operator: "In", values: SERVICES }]);
    assert.deepEqual(o.spec.egress, [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
  }
});

test("prod: Kafka in its namespace on the TLS listener, PostgreSQL (address in a Secret) on 5432 anywhere", () => {
  const { objects } = rendered.prod!;
  const kafka = find(objects, "NetworkPolicy", "pubsub-egress");
  assert.deepEqual(kafka.spec.egress, [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kafka" } } }], ports: [{ protocol: "TCP", port: 9093 }] }]);
  const postgres = find(objects, "NetworkPolicy", "state-store-egress");
  assert.deepEqual(postgres.spec.egress, [{ ports: [{ protocol: "TCP", port: 5432 }] }]);
});

test("self-hosted runs keep the permissive shared Configuration: no ACL without mTLS", () => {
  const config = parse(readFileSync(join(platform, "dapr/config.yaml"), "utf8"));
  assert.equal(config.metadata.name, "appconfig");
  assert.equal(config.spec.accessControl, undefined);
  const run = parse(readFileSync(join(platform, "dapr.yaml"), "utf8"));
  assert.equal(run.common.configFilePath, "./dapr/config.yaml");
  const compose = parse(readFileSync(join(platform, "docker-compose.yml"), "utf8"));
  // compose's sidecars have their own, the same but for the OTLP endpoint (the compose collector)
  for (const svc of SERVICES) assert.ok(compose.services[`${svc}-dapr`].command.includes("/dapr/config-compose.yaml"), svc);
  assert.equal(parse(readFileSync(join(platform, "dapr/config-compose.yaml"), "utf8")).spec.accessControl, undefined);
});

test("add invoke opens exactly the new edge: the callee's ACL and both services' policies", async () => {
  const run = await runCli(["add", "invoke", "concepts-service", "--target", "progress-service", "--json"], platform);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const text = execFileSync("kubectl", ["kustomize", join(platform, "deploy/overlays/prod")], { encoding: "utf8" });
  const objects: Obj[] = parseAllDocuments(text).map((d) => (d as { toJS(): unknown }).toJS());
  const problems = validateKubernetesSet([{ file: "prod.yaml", text }]);
  assert.deepEqual(problems, [], show(problems));
  const acl = (svc: string) => find(objects, "Configuration", `appconfig-${svc}`).spec.accessControl.policies.map((p: Obj) => p.appId);
  assert.deepEqual(acl("progress-service"), ["triage-service", "concepts-service"]);
  assert.deepEqual(acl("concepts-service"), [], "being a caller grants no inbound access");
  const policy = (svc: string) => find(objects, "NetworkPolicy", svc).spec;
  assert.deepEqual(
    rulesFor(policy("progress-service").ingress, 50002).flatMap((r) => podNames(r.from)),
    ["concepts-service", "triage-service"],
  );
  assert.deepEqual(
    rulesFor(policy("concepts-service").egress, 50002).flatMap((r) => podNames(r.to)),
    ["progress-service"],
  );
  assert.deepEqual(rulesFor(policy("concepts-service").ingress, 50002), []);
  // the unrelated services' policies are unchanged
  for (const svc of ["code-review-service", "debug-service", "exercise-service"]) {
    assert.deepEqual(policy(svc), find(rendered.prod!.objects, "NetworkPolicy", svc).spec, svc);
  }
});

test("add service --public on an existing service admits the ingress controller to its app port, and changes nothing else", async () => {
  const before = kustomized(platform, "prod").objects;
  const run = await runCli(["add", "service", "concepts-service", "--public", "--json"], platform);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(readFileSync(join(platform, "fastdapr.yaml"), "utf8"), /  concepts-service:\n(    .*\n)*?    public: true\n/);
  const { text, objects } = kustomized(platform, "prod");
  assert.deepEqual(validateKubernetesSet([{ file: "prod.yaml", text }]), []);
  const policy = find(objects, "NetworkPolicy", "concepts-service").spec;
  assert.deepEqual(
    rulesFor(policy.ingress, PORTS["concepts-service"]!).map((r) => r.from),
    [[{ namespaceSelector: { matchLabels: { "fastdapr.io/ingress-controller": "true" } } }]],
  );
  for (const o of objects.filter((x) => x.kind === "NetworkPolicy" && x.metadata.name !== "concepts-service")) {
    assert.deepEqual(o, find(before, "NetworkPolicy", o.metadata.name), o.metadata.name);
  }
});

/** Writes `fastdapr.yaml` into a new folder, runs `fastdapr generate` there and returns the folder. */
async function generated(manifest: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "fastdapr-manifest-"));
  writeFileSync(join(dir, "fastdapr.yaml"), manifest);
  const run = await runCli(["generate", "--json"], dir);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  return dir;
}

function kustomized(dir: string, overlay: "dev" | "prod"): { text: string; objects: Obj[] } {
  const text = execFileSync("kubectl", ["kustomize", join(dir, "deploy/overlays", overlay)], { encoding: "utf8" });
  return { text, objects: parseAllDocuments(text).map((d) => (d as { toJS(): unknown }).toJS()) };
}

const SHOP = `apiVersion: fastdapr/v1
name: shop
namespace: retail
topics:
  orders.created: {}
services:
  orders-service:
    port: 8001
    publishes: [orders.created]
    invokes: [stock-service]
  stock-service:
    port: 8002
    subscribes: [orders.created]
    state: ["stock:{sku}"]
`;

test("namespace differs from the name: every object and every pod is part-of the platform's name, in the manifest's namespace", async () => {
  const dir = await generated(SHOP);
  for (const overlay of ["dev", "prod"] as const) {
    const { text, objects } = kustomized(dir, overlay);
    assert.deepEqual(validateKubernetesSet([{ file: `${overlay}.yaml`, text }]), [], overlay);
    assert.ok(objects.length > 10, overlay);
    for (const o of objects) {
      assert.equal(o.metadata.namespace, overlay === "prod" ? "retail" : "retail-dev", `${o.kind}/${o.metadata.name}`);
      assert.equal(o.metadata.labels?.["app.kubernetes.io/part-of"], "shop", `${overlay}: ${o.kind}/${o.metadata.name}`);
    }
    // the dev overlay also runs the OpenTelemetry collector
    const deployments = objects.filter((o) => o.kind === "Deployment" && o.metadata.name !== "otel-collector");
    assert.equal(deployments.length, 2);
    for (const d of deployments) {
      assert.equal(d.spec.template.metadata.labels["app.kubernetes.io/part-of"], "shop", `${overlay}: pods of ${d.metadata.name}`);
    }
  }
});
