// The platform's shared pub/sub and state components in each environment, as the manifest's
// `defaults.pubsub` and `defaults.stateStore` choose them (dev: local, compose and the dev cluster;
// prod: the prod cluster), and the compose services that back them. Every other renderer (overlays,
// store egress policies, the AsyncAPI servers, the README) reads the components from here, so what
// is rendered and what is opened or documented cannot disagree.
import type { PlatformModel } from "../platform/model.js";
import type { ServiceModel } from "../model/service.js";
import { component, localPubsub, managedRedisStateStore, postgresStateStore, productionPubsub } from "./dapr-resources.js";
import { COMPOSE_STORE, STORE_HOSTS, STORE_PORT } from "./hosts.js";
import { type ComposeService, KAFKA_SERVICE, POSTGRES_SERVICE, REDIS_SERVICE } from "./compose.js";
import { type DaprComponent, metadataValue } from "./dapr-types.js";

export type Env = "local" | "compose" | "dev" | "prod";
export const ENVS: readonly Env[] = ["local", "compose", "dev", "prod"];

type Broker = PlatformModel["defaults"]["pubsub"]["dev"];
type Store = PlatformModel["defaults"]["stateStore"]["dev"];

/** Where the self-hosted and dev-cluster stores listen; prod reads its addresses from Secrets. */
const HOSTS = STORE_HOSTS;

/**
 * A development PostgreSQL: the server's default user and database, no password in the file (the
 * compose service trusts its private network; on localhost, set PGPASSWORD for `dapr run` if your
 * server asks for one: pgx reads the libpq variables from daprd's environment).
 */
export function devPostgresConnection(host: string): string {
  return `host=${host} port=${STORE_PORT.postgres} user=postgres database=postgres sslmode=disable`;
}

/** The broker and store an environment uses. */
export function storesOf(p: PlatformModel, env: Env): { pubsub: Broker | "kafka"; state: Store } {
  const { pubsub, stateStore } = p.defaults;
  return env === "prod" ? { pubsub: pubsub.prod, state: stateStore.prod } : { pubsub: pubsub.dev, state: stateStore.dev };
}

function pubsubComponent(p: PlatformModel, env: Env): DaprComponent {
  const names = { pubsubName: p.defaults.pubsub.name };
  if (env === "prod") return productionPubsub(names);
  const hosts = HOSTS[env];
  return storesOf(p, env).pubsub === "redis" ? component(names.pubsubName, "pubsub.redis", "v1", [{ name: "redisHost", value: hosts.redis }]) : localPubsub(names, hosts.kafka);
}

function stateComponent(p: PlatformModel, env: Env): DaprComponent {
  const names = { stateStore: p.defaults.stateStore.name };
  const store = storesOf(p, env).state;
  if (env === "prod" || env === "dev") {
    // a cluster's PostgreSQL (often managed) is reached through a connection string in a Secret;
    // prod Redis is a managed one too (address and password in a Secret, TLS), dev's the in-cluster chart
    if (store === "postgresql") return postgresStateStore(names);
    if (env === "prod") return managedRedisStateStore(names);
    return component(names.stateStore, "state.redis", "v1", [{ name: "redisHost", value: HOSTS.dev.redis }]);
  }
  return store === "postgresql"
    ? postgresStateStore(names, devPostgresConnection(HOSTS[env].postgres))
    : component(names.stateStore, "state.redis", "v1", [{ name: "redisHost", value: HOSTS[env].redis }]);
}

/**
 * Pub/sub scoping from the graph: each app may publish and subscribe only to what it declares. A
 * subscriber's sidecar publishes the events it could not deliver to their dead-letter topics, and
 * Dapr checks that publish against publishingScopes too: without them there, it is refused and
 * the event goes back to the broker for redelivery instead of to the dead-letter topic.
 */
function scopingMetadata(p: PlatformModel): { name: string; value: string }[] {
  const scope = (pick: (s: ServiceModel) => string[]) => p.services.map((s) => `${s.appId}=${pick(s).join(",")}`).join(";");
  return [
    { name: "publishingScopes", value: scope((s) => [...s.publishes.map((t) => t.name), ...s.subscribes.map((t) => t.deadLetterTopic)]) },
    { name: "subscriptionScopes", value: scope((s) => s.subscribes.map((t) => t.name)) },
  ];
}

function withMetadata(doc: DaprComponent, extra: { name: string; value: string }[], scopes: string[]): DaprComponent {
  const d = structuredClone(doc);
  d.spec.metadata.push(...extra);
  d.scopes = scopes;
  return d;
}

/** The shared pub/sub and state components of one environment, same names everywhere, scoped to the platform's apps. */
export function sharedComponents(p: PlatformModel, env: Env): Record<"pubsub.yaml" | "statestore.yaml", DaprComponent> {
  const appIds = p.services.map((s) => s.appId);
  return {
    "pubsub.yaml": withMetadata(pubsubComponent(p, env), scopingMetadata(p), appIds),
    "statestore.yaml": withMetadata(stateComponent(p, env), [], appIds),
  };
}

/** The compose services the compose components connect to (by service name), each with a healthcheck. */
export function composeBackingServices(p: PlatformModel): Record<string, ComposeService> {
  const { pubsub, state } = storesOf(p, "compose");
  return {
    ...(pubsub === "redis" || state === "redis" ? { [COMPOSE_STORE.redis]: REDIS_SERVICE } : {}),
    ...(pubsub === "kafka" ? { [COMPOSE_STORE.kafka]: KAFKA_SERVICE } : {}),
    ...(state === "postgresql" ? { [COMPOSE_STORE.postgres]: POSTGRES_SERVICE } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// For the platform README: what each environment runs and which Secrets the overlays read.

const STORE_LABELS: Record<string, string> = {
  "pubsub.redis": "Redis Streams",
  "pubsub.kafka": "Kafka",
  "state.redis": "Redis",
  "state.postgresql": "PostgreSQL",
};
const COMPOSE_LABELS: Record<string, string> = { redis: "Redis", kafka: "Kafka", postgres: "PostgreSQL" };

/** "Kafka with SASL/TLS", "Redis with TLS", "PostgreSQL": read from the component itself. */
function describe(doc: DaprComponent): string {
  const value = (name: string) => metadataValue(doc, name);
  const label = STORE_LABELS[doc.spec.type] ?? doc.spec.type;
  if (doc.spec.type === "pubsub.kafka" && value("authType") === "password") return `${label} with SASL/TLS`;
  if (doc.spec.type === "state.redis" && value("enableTLS") === "true") return `${label} with TLS`;
  return label;
}

export interface EnvironmentSummary {
  pubsub: string;
  state: string;
  /** Secrets the components read, with their keys, in order of first use. */
  secrets: { name: string; keys: string[] }[];
}

export function environmentSummary(p: PlatformModel, env: Env): EnvironmentSummary {
  const components = sharedComponents(p, env);
  const pubsub = components["pubsub.yaml"];
  const state = components["statestore.yaml"];
  const secrets = new Map<string, string[]>();
  for (const item of [...pubsub.spec.metadata, ...state.spec.metadata]) {
    if (!("secretKeyRef" in item)) continue;
    const keys = secrets.get(item.secretKeyRef.name) ?? [];
    if (!keys.includes(item.secretKeyRef.key)) keys.push(item.secretKeyRef.key);
    secrets.set(item.secretKeyRef.name, keys);
  }
  return { pubsub: describe(pubsub), state: describe(state), secrets: [...secrets].map(([name, keys]) => ({ name, keys })) };
}

/** "Redis and Kafka": the compose services behind the compose components. */
export function composeStoreNames(p: PlatformModel): string[] {
  return Object.keys(composeBackingServices(p)).map((name) => COMPOSE_LABELS[name] ?? name);
}
