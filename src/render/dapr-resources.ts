// Dapr resources a service needs: pub/sub and state components (local: Kafka + Redis for compose;
// production: Kafka with SASL/TLS and PostgreSQL, credentials from secrets), the Configuration and a
// Resiliency policy. Component names are the same everywhere, so the code never changes.
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import type { DaprComponent, DaprConfiguration, DaprMetadataItem, DaprTracing, DaprResiliency, DaprResource } from "./dapr-types.js";
import { STORE_HOSTS } from "./hosts.js";
import { toYaml } from "./yaml.js";

export function component(name: string, type: string, version: string, metadata: DaprMetadataItem[], extra: { scopes?: string[] } = {}): DaprComponent {
  return { apiVersion: "dapr.io/v1alpha1", kind: "Component", metadata: { name }, spec: { type, version, metadata }, ...extra };
}

export function localPubsub(svc: Pick<ServiceModel, "pubsubName">, brokers: string): DaprComponent {
  // consumerGroup is left unset on purpose: Dapr then uses the app id, so every replica of one app
  // shares a group and every app gets its own copy of each event (one shared group would split them)
  return component(svc.pubsubName, "pubsub.kafka", "v1", [
    { name: "brokers", value: brokers },
    { name: "authType", value: "none" },
    // a new consumer group starts at the oldest retained event, so nothing published before the
    // subscriber's first start is lost (handlers are idempotent under redelivery anyway)
    { name: "initialOffset", value: "oldest" },
  ]);
}

function localStateStore(svc: Pick<ServiceModel, "stateStore">, redisHost: string): DaprComponent {
  return component(svc.stateStore, "state.redis", "v1", [{ name: "redisHost", value: redisHost }]);
}

export function productionPubsub(svc: Pick<ServiceModel, "pubsubName">): DaprComponent {
  const secret = (key: string) => ({ secretKeyRef: { name: "kafka-credentials", key } });
  return component(svc.pubsubName, "pubsub.kafka", "v1", [
    { name: "brokers", value: "kafka-kafka-bootstrap.kafka.svc.cluster.local:9093" },
    { name: "authType", value: "password" },
    { name: "saslMechanism", value: "SHA-512" },
    { name: "saslUsername", ...secret("username") },
    { name: "saslPassword", ...secret("password") },
    { name: "initialOffset", value: "oldest" },
  ]);
}

/** The Secret (and key) a cluster's PostgreSQL connection string is read from. */
const POSTGRES_CONNECTION_SECRET = { name: "postgres-connection", key: "connection-string" };

/**
 * PostgreSQL state: a libpq connection string given inline (a local store without a password in it;
 * pgx reads PGPASSWORD from daprd's environment when the server asks for one) or read from the
 * Secret. v2 keeps an explicit UUID etag column and is the version Dapr recommends for new stores.
 */
export function postgresStateStore(svc: Pick<ServiceModel, "stateStore">, connectionString?: string): DaprComponent {
  return component(svc.stateStore, "state.postgresql", "v2", [
    connectionString === undefined ? { name: "connectionString", secretKeyRef: POSTGRES_CONNECTION_SECRET } : { name: "connectionString", value: connectionString },
  ]);
}

function productionStateStore(svc: Pick<ServiceModel, "stateStore">): DaprComponent {
  return postgresStateStore(svc);
}

/** The Secret a cluster's managed Redis address and password are read from. */
const REDIS_CREDENTIALS_SECRET = "redis-credentials";

/**
 * Redis state outside the cluster's reach of plain text (a managed Redis): `host:port` and password
 * from the Secret, TLS on (the server's certificate is verified against the system roots).
 */
export function managedRedisStateStore(svc: Pick<ServiceModel, "stateStore">): DaprComponent {
  const secret = (key: string) => ({ secretKeyRef: { name: REDIS_CREDENTIALS_SECRET, key } });
  return component(svc.stateStore, "state.redis", "v1", [
    { name: "redisHost", ...secret("host") },
    { name: "redisPassword", ...secret("password") },
    { name: "enableTLS", value: "true" },
  ]);
}

/** Secret holding the OpenAI key of a conversation component (key `api-key`). */
function conversationSecret(componentName: string): string {
  return `${componentName}-openai`;
}

/**
 * The Dapr conversation component of the dapr-conversation backend: `conversation.echo` for local
 * runs (it answers with the prompt's text, so no key and no network), `conversation.openai` in a
 * cluster, its key from a Kubernetes Secret. The service itself never holds a provider key.
 */
export function conversationComponent(name: string, model: string, env: "local" | "cluster"): DaprComponent {
  if (env === "local") return component(name, "conversation.echo", "v1", []);
  return component(name, "conversation.openai", "v1", [
    { name: "key", secretKeyRef: { name: conversationSecret(name), key: "api-key" } },
    { name: "model", value: model },
  ]);
}

/** One conversation component per name among `services` (dapr-conversation agents), scoped to its users. */
export function conversationComponents(services: ServiceModel[], env: "local" | "cluster"): Record<string, DaprComponent> {
  const users = new Map<string, ServiceModel[]>();
  for (const svc of services) {
    if (svc.agent?.backend !== "dapr-conversation") continue;
    users.set(svc.agent.conversationComponent, [...(users.get(svc.agent.conversationComponent) ?? []), svc]);
  }
  return Object.fromEntries(
    [...users].map(([name, list]) => [`conversation-${name}.yaml`, { ...conversationComponent(name, list[0]!.agent!.model, env), scopes: list.map((s) => s.appId) }]),
  );
}

/** Seconds the sidecar gives the provider; the app waits a little longer, so Dapr's error wins. */
export const CONVERSATION_TIMEOUT_SECONDS = 30;

/** `tracing`: the environment's (src/render/observability.ts tracingSpec); a lone service samples everything and exports nowhere. */
export function daprConfiguration(svc: Pick<ServiceModel, "daprConfig">, tracing: DaprTracing = { samplingRate: "1", stdout: false }): DaprConfiguration {
  return {
    apiVersion: "dapr.io/v1alpha1",
    kind: "Configuration",
    metadata: { name: svc.daprConfig },
    spec: {
      tracing,
      // Per-path HTTP metrics (daprd 1.18's default, announced at every start with a warning) would
      // make a Prometheus series for every learner and session id in the routes' paths.
      metric: { enabled: true, http: { increasedCardinality: false } },
    },
  };
}

const PUBSUB_RETRY = "pubsubRetry";

/**
 * Timeouts and circuit breakers for calls to the apps this service invokes (no Dapr-level retries
 * there: the generated client retries only idempotent calls), and redelivery of events the handler
 * answered RETRY: without an inbound retry policy Dapr sends a failed delivery straight to the
 * dead-letter topic.
 */
export function resiliency(svc: ServiceModel): DaprResiliency {
  const conversation = svc.agent?.backend === "dapr-conversation" ? svc.agent.conversationComponent : null;
  const apps = Object.fromEntries(svc.invokes.map((i) => [i.appId, { timeout: "invokeTimeout", circuitBreaker: "invokeBreaker" }]));
  return {
    apiVersion: "dapr.io/v1alpha1",
    kind: "Resiliency",
    metadata: { name: `${svc.appId}-resiliency` },
    spec: {
      policies: {
        timeouts: {
          invokeTimeout: "10s",
          stateTimeout: "5s",
          ...(conversation ? { conversationTimeout: `${CONVERSATION_TIMEOUT_SECONDS}s` } : {}),
        },
        retries: {
          [PUBSUB_RETRY]: { policy: "exponential", duration: "500ms", maxInterval: "10s", maxRetries: 5 },
        },
        circuitBreakers: {
          invokeBreaker: { maxRequests: 1, interval: "10s", timeout: "30s", trip: "consecutiveFailures >= 5" },
        },
      },
      targets: {
        ...(svc.invokes.length > 0 ? { apps } : {}),
        components: {
          [svc.pubsubName]: { inbound: { retry: PUBSUB_RETRY } },
          [svc.stateStore]: { outbound: { timeout: "stateTimeout" } },
          // no retries: a rejected prompt would be paid for again; the app maps the error instead
          ...(conversation ? { [conversation]: { outbound: { timeout: "conversationTimeout" } } } : {}),
        },
      },
    },
    scopes: [svc.appId],
  };
}

export function daprResourcesForKubernetes(svc: ServiceModel): Record<string, DaprResource> {
  return {
    "pubsub.yaml": productionPubsub(svc),
    "statestore.yaml": productionStateStore(svc),
    "configuration.yaml": daprConfiguration(svc),
    "resiliency.yaml": resiliency(svc),
    ...singleConversation(svc, "cluster"),
  };
}

function singleConversation(svc: ServiceModel, env: "local" | "cluster"): Record<string, DaprComponent> {
  if (svc.agent?.backend !== "dapr-conversation") return {};
  return { "conversation.yaml": conversationComponent(svc.agent.conversationComponent, svc.agent.model, env) };
}

/**
 * Self-hosted resources of a lone service, as a platform has them: `dapr/local/` for `dapr run` with
 * Redis and Kafka on localhost, `dapr/compose/` for the compose file's sidecar, and one Configuration.
 */
export function renderLocalDaprResources(svc: ServiceModel, tree: Tree): void {
  for (const env of ["local", "compose"] as const) {
    const hosts = STORE_HOSTS[env];
    const files: Record<string, DaprResource> = {
      "pubsub.yaml": localPubsub(svc, hosts.kafka),
      "statestore.yaml": localStateStore(svc, hosts.redis),
      "resiliency.yaml": resiliency(svc),
      ...singleConversation(svc, "local"),
    };
    for (const [name, doc] of Object.entries(files)) tree.add(`dapr/${env}/${name}`, toYaml(doc), "generated");
  }
  tree.add("dapr/config.yaml", toYaml(daprConfiguration(svc)), "generated");
}
