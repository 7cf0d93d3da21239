// Renders a whole platform: one folder per service (the same renderer `fastdapr new` uses) plus the
// infrastructure they share — Dapr resources per environment, a kustomize base with dev/prod
// overlays, one compose file, a Dapr multi-app run file and a README with the topology.
import type { PlatformModel } from "../platform/model.js";
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import { mermaidGraph } from "../platform/graph.js";
import { renderService } from "./service.js";
import {
  component,
  conversationComponents,
  daprConfiguration,
  localPubsub,
  localStateStore,
  productionPubsub,
  productionStateStore,
  resiliency,
} from "./dapr-resources.js";
import { kustomization, scalingObjects, workloadObjects } from "./kubernetes.js";
import { appWithSidecar, KAFKA_SERVICE, REDIS_SERVICE } from "./compose.js";
import { accessControlConfigName, accessControlConfigurations } from "./access-control.js";
import { defaultDenyPolicy, serviceNetworkPolicy, storeEgressPolicies } from "./network-policies.js";
import { toYaml } from "./yaml.js";
import { renderTemplate } from "./templates.js";
import { ASYNCAPI_FILE, asyncApiDocument } from "./asyncapi.js";

export const SERVICES_DIR = "services";

/**
 * Pub/sub scoping from the graph: each app may publish and subscribe only to what it declares. A
 * subscriber's sidecar publishes the events it could not deliver to their dead-letter topics, and
 * Dapr checks that publish against publishingScopes too: without them there, it is refused and
 * the event goes back to the broker for redelivery instead of to the dead-letter topic.
 */
function scopingMetadata(p: PlatformModel): { name: string; value: string }[] {
  const scope = (pick: (s: ServiceModel) => string[]) =>
    p.services.map((s) => `${s.appId}=${pick(s).join(",")}`).join(";");
  return [
    { name: "publishingScopes", value: scope((s) => [...s.publishes.map((t) => t.name), ...s.subscribes.map((t) => t.deadLetterTopic)]) },
    { name: "subscriptionScopes", value: scope((s) => s.subscribes.map((t) => t.name)) },
  ];
}

function withMetadata(doc: object, extra: { name: string; value: string }[], scopes: string[]): object {
  const d = structuredClone(doc) as { spec: { metadata: object[] }; scopes?: string[] };
  d.spec.metadata.push(...extra);
  d.scopes = scopes;
  return d;
}

type Env = "local" | "compose" | "dev" | "prod";

const HOSTS: Record<Exclude<Env, "prod">, { redis: string; kafka: string }> = {
  local: { redis: "localhost:6379", kafka: "localhost:9092" },
  compose: { redis: "redis:6379", kafka: "kafka:9092" },
  dev: { redis: "redis-master.default.svc.cluster.local:6379", kafka: "kafka.default.svc.cluster.local:9092" },
};

/** The shared pub/sub and state components of one environment, same names everywhere. */
function sharedComponents(p: PlatformModel, env: Env): Record<string, object> {
  const names = { pubsubName: p.defaults.pubsub.name, stateStore: p.defaults.stateStore.name };
  const appIds = p.services.map((s) => s.appId);
  const scoping = scopingMetadata(p);
  if (env === "prod") {
    return {
      "pubsub.yaml": withMetadata(productionPubsub(names), scoping, appIds),
      "statestore.yaml": withMetadata(productionStateStore(names), [], appIds),
    };
  }
  const hosts = HOSTS[env];
  const pubsub =
    p.defaults.pubsub.dev === "redis"
      ? component(names.pubsubName, "pubsub.redis", "v1", [{ name: "redisHost", value: hosts.redis }])
      : localPubsub(names, hosts.kafka);
  return {
    "pubsub.yaml": withMetadata(pubsub, scoping, appIds),
    "statestore.yaml": withMetadata(localStateStore(names, hosts.redis), [], appIds),
  };
}

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
  tree.add("dapr/config.yaml", toYaml(daprConfiguration({ daprConfig: p.defaults.daprConfig })), "generated");
}

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
  const partOf = { labels: [{ pairs: { "app.kubernetes.io/part-of": p.name }, includeSelectors: false }] };
  tree.add(
    "deploy/base/kustomization.yaml",
    kustomization([...p.services.map((s) => s.name), "networkpolicy-default-deny.yaml"], partOf),
    "generated",
  );
  tree.add("deploy/base/networkpolicy-default-deny.yaml", toYaml(defaultDenyPolicy(p)), "generated");
  for (const env of ["dev", "prod"] as const) {
    const namespace = env === "prod" ? p.namespace : `${p.namespace}-dev`;
    const resources = ["../../base"];
    const add = (name: string, doc: object) => {
      tree.add(`deploy/overlays/${env}/${name}`, toYaml(doc), "generated");
      resources.push(name);
    };
    for (const [name, doc] of Object.entries(daprResources(p, env))) add(`dapr/${name}`, doc);
    for (const [name, doc] of Object.entries(accessControlConfigurations(p, namespace))) add(`dapr/${name}`, doc);
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
  const services: Record<string, object> = {};
  for (const svc of p.services) {
    // the platform's sidecars share one Dapr folder at the root, with the compose-network components
    Object.assign(services, appWithSidecar(svc, `./${SERVICES_DIR}/${svc.name}`, { hostDir: "./dapr", resources: "compose" }));
  }
  const compose = { name: p.name, services: { ...services, redis: REDIS_SERVICE, kafka: KAFKA_SERVICE } };
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
      command: [".venv/bin/uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", String(svc.port)],
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
  for (const svc of p.services) renderService(svc, tree.scope(`${SERVICES_DIR}/${svc.name}`), { standalone: false });
  renderSelfHostedDapr(p, tree);
  renderKustomize(p, tree);
  renderCompose(p, tree);
  renderMultiAppRun(p, tree);
  renderAsyncApi(p, tree);
  tree.add(
    "README.md",
    renderTemplate("platform/README.md.eta", { p, graph: mermaidGraph(p), servicesDir: SERVICES_DIR }, { keepNewlines: true }),
    "generated",
  );
}
