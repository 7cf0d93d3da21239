// Where a sidecar reaches the backing stores, for each place it runs, in one table: on this machine
// for `dapr run` (dapr/local/), by compose service name inside the compose network (dapr/compose/),
// and the dev cluster's in-cluster charts. The compose file names its store services from the same
// table, so a component and the service it connects to cannot disagree. Prod reads its addresses
// from Secrets (src/render/dapr-resources.ts).

/** The stores' compose services: their names are also their host names on the compose network. */
export const COMPOSE_STORE = { redis: "redis", kafka: "kafka", postgres: "postgres" } as const;

/** The ports the stores listen on (Kafka's controller listener is the broker's port + 1, compose only). */
export const STORE_PORT = { redis: 6379, kafka: 9092, postgres: 5432 } as const;

export const STORE_HOSTS = {
  local: { redis: `localhost:${STORE_PORT.redis}`, kafka: `localhost:${STORE_PORT.kafka}`, postgres: "localhost" },
  compose: { redis: `${COMPOSE_STORE.redis}:${STORE_PORT.redis}`, kafka: `${COMPOSE_STORE.kafka}:${STORE_PORT.kafka}`, postgres: COMPOSE_STORE.postgres },
  dev: { redis: `redis-master.default.svc.cluster.local:${STORE_PORT.redis}`, kafka: `kafka.default.svc.cluster.local:${STORE_PORT.kafka}` },
} as const;
