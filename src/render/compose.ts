// docker-compose.yml for local development: the service, its daprd sidecar sharing the service's
// network namespace (so the app reaches Dapr on localhost:3500), and the stores its components use
// (a service: Redis and Kafka; a platform: those its manifest chooses, see platform-stores.ts).
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import { CONTAINER_IMAGES } from "../versions.js";
import { serviceConfig } from "./environment.js";
import { COMPOSE_STORE, STORE_HOSTS, STORE_PORT } from "./hosts.js";
import { toYaml } from "./yaml.js";

/** A service of a compose file: the fields fastdapr writes, by the Compose Specification's names. */
export interface ComposeService {
  build?: { context: string };
  image: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required: boolean }[];
  read_only?: boolean;
  tmpfs?: string[];
  volumes?: string[];
  network_mode?: string;
  depends_on?: Record<string, { condition: "service_started" | "service_healthy" }>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period?: string };
  restart?: "unless-stopped";
}

/** A compose file: its project name and services. */
export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
}

export const KAFKA_SERVICE: ComposeService = {
  image: CONTAINER_IMAGES.kafka,
  environment: {
    KAFKA_NODE_ID: "1",
    KAFKA_PROCESS_ROLES: "broker,controller",
    KAFKA_LISTENERS: `PLAINTEXT://:${STORE_PORT.kafka},CONTROLLER://:${STORE_PORT.kafka + 1}`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${STORE_HOSTS.compose.kafka}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    KAFKA_CONTROLLER_QUORUM_VOTERS: `1@${COMPOSE_STORE.kafka}:${STORE_PORT.kafka + 1}`,
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
  },
  healthcheck: {
    test: ["CMD", "/opt/kafka/bin/kafka-broker-api-versions.sh", "--bootstrap-server", STORE_HOSTS.local.kafka],
    interval: "10s",
    timeout: "10s",
    retries: 10,
    start_period: "20s",
  },
};

export const REDIS_SERVICE: ComposeService = {
  image: CONTAINER_IMAGES.redis,
  command: ["redis-server", "--save", "", "--appendonly", "no"],
  healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: "5s", timeout: "3s", retries: 10 },
};

/**
 * Development PostgreSQL for the compose network only (its port is not published): it trusts every
 * connection, so the Dapr component's connection string holds no password.
 */
export const POSTGRES_SERVICE: ComposeService = {
  image: CONTAINER_IMAGES.postgres,
  environment: { POSTGRES_HOST_AUTH_METHOD: "trust" },
  healthcheck: { test: ["CMD", "pg_isready", "-U", "postgres", "-d", "postgres"], interval: "5s", timeout: "3s", retries: 10 },
};

/** Where a sidecar's Dapr files live: the host folder mounted at /dapr, and the resources folder in it. */
export interface SidecarFiles {
  hostDir: string;
  resources: string;
  /** The Configuration file in hostDir (default config.yaml). */
  config?: string;
}

/**
 * The app container and its daprd sidecar, as compose services (shared with the platform file). The
 * sidecar starts once the app has started and every compose service in `stores` is healthy.
 */
export function appWithSidecar(
  svc: ServiceModel,
  context: string,
  dapr: SidecarFiles,
  stores: string[] = [COMPOSE_STORE.redis, COMPOSE_STORE.kafka],
): Record<string, ComposeService> {
  return {
    [svc.name]: {
      build: { context },
      image: svc.image,
      // loopback only: a development stack (no app token by default) is not for the LAN
      ports: [`127.0.0.1:${svc.port}:${svc.port}`],
      environment: serviceConfig(svc, "compose"),
      env_file: [{ path: `${context}/.env`, required: false }],
      read_only: true,
      tmpfs: ["/tmp"],
      restart: "unless-stopped",
    },
    [`${svc.name}-dapr`]: {
      image: CONTAINER_IMAGES.daprd,
      command: [
        "./daprd",
        "--app-id",
        svc.appId,
        "--app-port",
        String(svc.port),
        "--app-protocol",
        "http",
        "--dapr-http-port",
        "3500",
        "--resources-path",
        `/dapr/${dapr.resources}`,
        "--config",
        `/dapr/${dapr.config ?? "config.yaml"}`,
        "--log-as-json",
      ],
      volumes: [`${dapr.hostDir}:/dapr:ro`],
      // share the app's network namespace: the app calls Dapr on localhost, Dapr calls the app back
      network_mode: `service:${svc.name}`,
      depends_on: {
        [svc.name]: { condition: "service_started" },
        ...Object.fromEntries(stores.map((store) => [store, { condition: "service_healthy" }])),
      },
      restart: "unless-stopped",
    },
  };
}

export function renderCompose(svc: ServiceModel, tree: Tree): void {
  const compose: ComposeFile = {
    name: svc.name,
    services: {
      ...appWithSidecar(svc, ".", { hostDir: "./dapr", resources: "compose" }),
      [COMPOSE_STORE.redis]: REDIS_SERVICE,
      [COMPOSE_STORE.kafka]: KAFKA_SERVICE,
    },
  };
  tree.add("docker-compose.yml", toYaml(compose), "generated");
}
