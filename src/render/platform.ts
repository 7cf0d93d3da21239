// Renders a whole platform: one folder per service (the same renderer `fastdapr new` uses) plus the
// infrastructure they share — Dapr resources per environment, a kustomize base with dev/prod
// overlays, one compose file, a Dapr multi-app run file and a README with the topology.
import type { PlatformModel } from "../platform/model.js";
import type { Tree } from "../tree/tree.js";
import { mermaidGraph } from "../platform/graph.js";
import { renderService } from "./service.js";
import { conversationComponents, daprConfiguration, resiliency } from "./dapr-resources.js";
import { kustomization, scalingObjects, workloadObjects } from "./kubernetes.js";
import { appWithSidecar, type ComposeFile, type ComposeService } from "./compose.js";
import { composeBackingServices, composeStoreNames, ENVS, environmentSummary, sharedComponents, type Env } from "./platform-stores.js";
import { accessControlConfigName, accessControlConfigurations } from "./access-control.js";
import { defaultDenyPolicy, serviceNetworkPolicy, storeEgressPolicies } from "./network-policies.js";
import { toYaml } from "./yaml.js";
import {
  COMPOSE_COLLECTOR_CONFIG,
  collectorConfig,
  composeCollector,
  devCollectorObjects,
  metricsScrapePolicy,
  telemetryConfigPatches,
  telemetryEgressPolicy,
  telemetryEnvironment,
  tracingSpec,
} from "./observability.js";
import { COLLECTOR_NAME } from "../platform/observability.js";
import { renderTemplate } from "./templates.js";
import { ASYNCAPI_FILE, asyncApiDocument } from "./asyncapi.js";
import { partOfLabel } from "./labels.js";
import { starterFor } from "./starters.js";
import { daprInstall } from "../dapr-install.js";

export const SERVICES_DIR = "services";

function daprResources(p: PlatformModel, env: Env): Record<string, object> {
  const files: Record<string, object> = {
    ...sharedComponents(p, env),
    ...conversationComponents(p.services, env === "local" || env === "compose" ? "local" : "cluster"),
  };
  for (const svc of p.services) files[`resiliency-${svc.name}.yaml`] = resiliency(svc);
  return files;
}

function renderSelfHostedDapr(p: PlatformModel, tree: Tree): void {
  for (const env of ["local", "compose"] as const) {
    for (const [name, doc] of Object.entries(daprResources(p, env))) {
      tree.add(`dapr/${env}/${name}`, toYaml(doc), "generated");
    }
  }
  // no access-control list here: self-hosted daprd has no mTLS, so no caller identity (access-control.ts)
  // one Configuration per environment: each sends its traces to its own OTLP endpoint
  const config = (env: "local" | "compose") => toYaml(daprConfiguration({ daprConfig: p.defaults.daprConfig }, tracingSpec(p.observability, env)));
  tree.add("dapr/config.yaml", config("local"), "generated");
  tree.add(`dapr/${COMPOSE_DAPR_CONFIG}`, config("compose"), "generated");
}

/** The compose sidecars' Configuration, beside dapr/config.yaml (`dapr run`'s). */
const COMPOSE_DAPR_CONFIG = "config-compose.yaml";

function renderKustomize(p: PlatformModel, tree: Tree): void {
  for (const svc of p.services) {
    // each service's pods use their own Configuration: the shared one plus its access-control list
    const objects = {
      ...workloadObjects({ ...svc, daprConfig: accessControlConfigName(svc) }),
      "networkpolicy.yaml": serviceNetworkPolicy(p, svc),
    };
    for (const [name, doc] of Object.entries(objects)) tree.add(`deploy/base/${svc.name}/${name}`, toYaml(doc), "generated");
    tree.add(`deploy/base/${svc.name}/kustomization.yaml`, kustomization(Object.keys(objects)), "generated");
  }
  // part-of is the platform's name on every object (the pod templates carry it from commonLabels);
  // the overlays add it too, for the Dapr resources and store policies they hold themselves
  const partOf = { labels: [{ pairs: partOfLabel(p.name), includeSelectors: false }] };
  tree.add(
    "deploy/base/kustomization.yaml",
    kustomization([...p.services.map((s) => s.name), "networkpolicy-default-deny.yaml", "networkpolicy-metrics-scrape.yaml"], partOf),
    "generated",
  );
  tree.add("deploy/base/networkpolicy-default-deny.yaml", toYaml(defaultDenyPolicy(p)), "generated");
  tree.add("deploy/base/networkpolicy-metrics-scrape.yaml", toYaml(metricsScrapePolicy(p)), "generated");
  for (const env of ["dev", "prod"] as const) {
    const namespace = env === "prod" ? p.namespace : `${p.namespace}-dev`;
    const resources = ["../../base"];
    const add = (name: string, doc: object) => {
      tree.add(`deploy/overlays/${env}/${name}`, toYaml(doc), "generated");
      resources.push(name);
    };
    for (const [name, doc] of Object.entries(daprResources(p, env))) add(`dapr/${name}`, doc);
    for (const [name, doc] of Object.entries(accessControlConfigurations(p, namespace))) {
      (doc as { spec: { tracing: object } }).spec.tracing = tracingSpec(p.observability, env);
      add(`dapr/${name}`, doc);
    }
    if (env === "dev" && p.observability.bundledCollector.dev) {
      for (const [name, doc] of Object.entries(devCollectorObjects(p))) add(`${COLLECTOR_NAME}/${name}`, doc);
    }
    const telemetryEgress = telemetryEgressPolicy(p, env);
    if (telemetryEgress) add(`network/${COLLECTOR_NAME}-egress.yaml`, telemetryEgress);
    const stores = Object.values(sharedComponents(p, env));
    for (const [name, doc] of Object.entries(storeEgressPolicies(p, stores))) add(`network/${name}`, doc);
    if (env === "prod") {
      for (const svc of p.services) {
        for (const [name, doc] of Object.entries(scalingObjects(svc))) add(`${svc.name}-${name}`, doc);
      }
    }
    tree.add(
      `deploy/overlays/${env}/kustomization.yaml`,
      kustomization(resources, {
        namespace,
        ...partOf,
        // the OTEL_* variables of this environment's endpoint, added to each service's ConfigMap
        ...(telemetryConfigPatches(p, env).length > 0 ? { patches: telemetryConfigPatches(p, env) } : {}),
        images: p.services.map((s) => ({
          name: s.image.replace(/:[^:/]+$/, ""),
          newTag: env === "prod" ? p.defaults.imageTag : "dev",
        })),
      }),
      "generated",
    );
  }
}

function renderCompose(p: PlatformModel, tree: Tree): void {
  const stores = composeBackingServices(p);
  const services: Record<string, ComposeService> = {};
  for (const svc of p.services) {
    // the platform's sidecars share one Dapr folder at the root, with the compose-network components
    const files = { hostDir: "./dapr", resources: "compose", config: COMPOSE_DAPR_CONFIG };
    const pair = appWithSidecar(svc, `./${SERVICES_DIR}/${svc.name}`, files, Object.keys(stores));
    const app = pair[svc.name]!;
    app.environment = { ...app.environment, ...telemetryEnvironment(p.observability, "compose") };
    Object.assign(services, pair);
  }
  // the collector the services and sidecars send to, unless the manifest names another endpoint
  const collector: Record<string, ComposeService> = p.observability.bundledCollector.compose ? { [COLLECTOR_NAME]: composeCollector() } : {};
  if (p.observability.bundledCollector.compose) tree.add(COMPOSE_COLLECTOR_CONFIG, toYaml(collectorConfig()), "generated");
  const compose: ComposeFile = { name: p.name, services: { ...services, ...stores, ...collector } };
  tree.add("docker-compose.yml", toYaml(compose), "generated");
}

/** `dapr run -f .`: every service with its sidecar on this machine, Redis and Kafka on localhost. */
function renderMultiAppRun(p: PlatformModel, tree: Tree): void {
  const run = {
    version: 1,
    common: { resourcesPaths: ["./dapr/local"], configFilePath: "./dapr/config.yaml", appProtocol: "http", logLevel: "info" },
    apps: p.services.map((svc, index) => ({
      appID: svc.appId,
      appDirPath: `./${SERVICES_DIR}/${svc.name}`,
      appPort: svc.port,
      daprHTTPPort: 3500 + index * 10 + 10,
      // the same entry point as the image (app/__main__.py), on loopback (its default HOST)
      command: [".venv/bin/python", "-m", "app"],
      env: { PORT: String(svc.port), ...telemetryEnvironment(p.observability, "local") },
    })),
  };
  tree.add("dapr.yaml", toYaml(run), "generated");
}

/** The events as AsyncAPI 3.0, its servers read from each environment's generated pub/sub component. */
function renderAsyncApi(p: PlatformModel, tree: Tree): void {
  const pubsub = (env: Env) => sharedComponents(p, env)["pubsub.yaml"]!;
  const doc = asyncApiDocument(p, { local: pubsub("local"), compose: pubsub("compose"), dev: pubsub("dev"), prod: pubsub("prod") });
  tree.add(ASYNCAPI_FILE, toYaml(doc), "generated");
}

export function renderPlatform(p: PlatformModel, tree: Tree): void {
  for (const svc of p.services) {
    renderService(svc, tree.scope(`${SERVICES_DIR}/${svc.name}`), { standalone: false, starter: starterFor(p.preset, svc.name) });
  }
  renderSelfHostedDapr(p, tree);
  renderKustomize(p, tree);
  renderCompose(p, tree);
  renderMultiAppRun(p, tree);
  renderAsyncApi(p, tree);
  tree.add(
    "README.md",
    renderTemplate(
      "platform/README.md.eta",
      {
        p,
        graph: mermaidGraph(p),
        servicesDir: SERVICES_DIR,
        stores: Object.fromEntries(ENVS.map((env) => [env, environmentSummary(p, env)])),
        composeStores: composeStoreNames(p),
        install: daprInstall(p.namespace),
      },
      { keepNewlines: true },
    ),
    "generated",
  );
}
