// The manifest's store choices reach every environment: `defaults.pubsub.dev` (redis | kafka),
// `defaults.stateStore.dev` (redis | postgresql) for local, compose and the dev cluster, and
// `defaults.stateStore.prod` (postgresql | redis) for the prod cluster. For each combination the
// generated components have the right type, version and metadata, the compose file runs exactly the
// stores they connect to (healthy before any sidecar starts), the kustomized overlays validate, and
// the store egress policies follow the components that are rendered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { runCli } from "../support/cli.js";
import { validateFile, validateKubernetesSet, type Problem } from "../support/validators/index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const show = (problems: Problem[]) => problems.map((p) => `${p.file}: [${p.rule}] ${p.message}`).join("\n");
const APPS = ["orders-service", "stock-service"];

interface Choice {
  pubsubDev: "redis" | "kafka";
  stateDev: "redis" | "postgresql";
  stateProd: "postgresql" | "redis";
}

/** Every value of each option at least once, in every environment. */
const CHOICES: Choice[] = [
  { pubsubDev: "redis", stateDev: "redis", stateProd: "postgresql" }, // the defaults
  { pubsubDev: "kafka", stateDev: "postgresql", stateProd: "redis" },
  { pubsubDev: "redis", stateDev: "postgresql", stateProd: "postgresql" },
  { pubsubDev: "kafka", stateDev: "redis", stateProd: "redis" },
];

const manifest = (c: Choice) => `apiVersion: fastdapr/v1
name: shop
defaults:
  pubsub: { name: events, dev: ${c.pubsubDev} }
  stateStore: { name: store, dev: ${c.stateDev}, prod: ${c.stateProd} }
topics:
  orders.created: {}
services:
  orders-service:
    port: 8001
    publishes: [orders.created]
    state: ["order:{id}"]
  stock-service:
    port: 8002
    subscribes: [orders.created]
`;

type Env = "local" | "compose" | "dev" | "prod";
const inNamespace = (name: string) => [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } }];
const tcp = (port: number) => [{ protocol: "TCP", port }];
const secret = (name: string, key: string) => ({ secretKeyRef: { name, key } });

interface Expected {
  type: string;
  version: string;
  metadata: Obj[];
  /** the component's egress rules in a cluster overlay */
  egress?: Obj[];
}

const REDIS_HOST: Record<Exclude<Env, "prod">, string> = {
  local: "localhost:6379",
  compose: "redis:6379",
  dev: "redis-master.default.svc.cluster.local:6379",
};
const KAFKA_BROKERS: Record<Exclude<Env, "prod">, string> = {
  local: "localhost:9092",
  compose: "kafka:9092",
  dev: "kafka.default.svc.cluster.local:9092",
};

function expectedState(c: Choice, env: Env): Expected {
  const store = env === "prod" ? c.stateProd : c.stateDev;
  if (store === "postgresql") {
    const cluster = env === "dev" || env === "prod";
    const connectionString = cluster
      ? secret("postgres-connection", "connection-string")
      : { value: `host=${env === "local" ? "localhost" : "postgres"} port=5432 user=postgres database=postgres sslmode=disable` };
    // the address sits in a Secret: the default port, any destination
    return { type: "state.postgresql", version: "v2", metadata: [{ name: "connectionString", ...connectionString }], egress: [{ ports: tcp(5432) }] };
  }
  if (env === "prod") {
    return {
      type: "state.redis",
      version: "v1",
      metadata: [
        { name: "redisHost", ...secret("redis-credentials", "host") },
        { name: "redisPassword", ...secret("redis-credentials", "password") },
        { name: "enableTLS", value: "true" },
      ],
      egress: [{ ports: tcp(6379) }],
    };
  }
  return { type: "state.redis", version: "v1", metadata: [{ name: "redisHost", value: REDIS_HOST[env] }], egress: [{ to: inNamespace("default"), ports: tcp(6379) }] };
}

function expectedPubsub(c: Choice, env: Env): Expected {
  if (env === "prod") {
    return {
      type: "pubsub.kafka",
      version: "v1",
      metadata: [
        { name: "brokers", value: "kafka-kafka-bootstrap.kafka.svc.cluster.local:9093" },
        { name: "authType", value: "password" },
        { name: "saslMechanism", value: "SHA-512" },
        { name: "saslUsername", ...secret("kafka-credentials", "username") },
        { name: "saslPassword", ...secret("kafka-credentials", "password") },
        { name: "initialOffset", value: "oldest" },
      ],
      egress: [{ to: inNamespace("kafka"), ports: tcp(9093) }],
    };
  }
  if (c.pubsubDev === "redis") {
    return { type: "pubsub.redis", version: "v1", metadata: [{ name: "redisHost", value: REDIS_HOST[env] }], egress: [{ to: inNamespace("default"), ports: tcp(6379) }] };
  }
  return {
    type: "pubsub.kafka",
    version: "v1",
    metadata: [
      { name: "brokers", value: KAFKA_BROKERS[env] },
      { name: "authType", value: "none" },
      { name: "initialOffset", value: "oldest" },
    ],
    egress: [{ to: inNamespace("default"), ports: tcp(9092) }],
  };
}

/** A component's own metadata, without the graph's pub/sub scoping (tested in platform-policies and e2e). */
const ownMetadata = (doc: Obj) => doc.spec.metadata.filter((m: Obj) => !["publishingScopes", "subscriptionScopes"].includes(m.name));

function assertComponent(doc: Obj, expected: Expected, name: string, where: string): void {
  assert.equal(doc.kind, "Component", where);
  assert.equal(doc.metadata.name, name, where);
  assert.equal(doc.spec.type, expected.type, where);
  assert.equal(doc.spec.version, expected.version, where);
  assert.deepEqual(ownMetadata(doc), expected.metadata, where);
  assert.deepEqual(doc.scopes, APPS, where);
}

const label = (c: Choice) => `pubsub.dev=${c.pubsubDev}, stateStore.dev=${c.stateDev}, stateStore.prod=${c.stateProd}`;

for (const c of CHOICES) {
  test(`${label(c)}: the right components in every environment, a compose file with exactly their stores, overlays and store egress to match`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "fastdapr-stores-"));
    writeFileSync(join(dir, "fastdapr.yaml"), manifest(c));
    const run = await runCli(["generate", "--json"], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const read = (path: string) => readFileSync(join(dir, path), "utf8");

    // local and compose: the self-hosted component files, each valid
    for (const env of ["local", "compose"] as const) {
      for (const [file, expected, name] of [
        ["statestore.yaml", expectedState(c, env), "store"],
        ["pubsub.yaml", expectedPubsub(c, env), "events"],
      ] as const) {
        const path = `dapr/${env}/${file}`;
        assert.deepEqual(validateFile(path, read(path)), [], path);
        assertComponent(parse(read(path)), expected, name, path);
      }
    }

    // compose: the stores the compose components name, healthy before every sidecar starts
    const composeText = read("docker-compose.yml");
    assert.deepEqual(validateFile("docker-compose.yml", composeText), [], show(validateFile("docker-compose.yml", composeText)));
    const compose = parse(composeText);
    const stores = [
      ...(c.pubsubDev === "redis" || c.stateDev === "redis" ? ["redis"] : []),
      ...(c.pubsubDev === "kafka" ? ["kafka"] : []),
      ...(c.stateDev === "postgresql" ? ["postgres"] : []),
    ];
    // besides the stores, the OpenTelemetry collector the services send to (docs/observability.md)
    assert.deepEqual(Object.keys(compose.services).sort(), [...APPS, ...APPS.map((a) => `${a}-dapr`), ...stores, "otel-collector"].sort());
    for (const store of stores) assert.ok(compose.services[store].healthcheck?.test, `${store} has a healthcheck`);
    for (const app of APPS) {
      const dependsOn = compose.services[`${app}-dapr`].depends_on;
      assert.deepEqual(dependsOn, {
        [app]: { condition: "service_started" },
        ...Object.fromEntries(stores.map((s) => [s, { condition: "service_healthy" }])),
      });
    }
    if (c.stateDev === "postgresql") {
      // the component's host is the compose service, and the service accepts the password-less connection
      assert.match(expectedState(c, "compose").metadata[0].value, /host=postgres /);
      assert.deepEqual(compose.services.postgres.environment, { POSTGRES_HOST_AUTH_METHOD: "trust" });
      assert.equal(compose.services.postgres.ports, undefined, "the trusting PostgreSQL is not published on the host");
    }

    // dev and prod: kustomized, valid, the components and the egress derived from them
    for (const env of ["dev", "prod"] as const) {
      const text = execFileSync("kubectl", ["kustomize", join(dir, "deploy/overlays", env)], { encoding: "utf8" });
      const problems = validateKubernetesSet([{ file: `${env}.yaml`, text }]);
      assert.deepEqual(problems, [], show(problems));
      const objects: Obj[] = parseAllDocuments(text).map((d) => (d as { toJS(): unknown }).toJS());
      const byName = (kind: string, name: string) => {
        const hit = objects.find((o) => o.kind === kind && o.metadata.name === name);
        assert.ok(hit, `${env}: ${kind}/${name}`);
        return hit;
      };
      const state = expectedState(c, env);
      const pubsub = expectedPubsub(c, env);
      assertComponent(byName("Component", "store"), state, "store", `${env} state`);
      assertComponent(byName("Component", "events"), pubsub, "events", `${env} pub/sub`);
      assert.equal(objects.filter((o) => o.kind === "Component").length, 2, env);
      // (dev also exports telemetry to its collector: otel-collector-egress, test/unit/observability-render.test.ts)
      const egress = objects.filter((o) => o.kind === "NetworkPolicy" && o.metadata.name.endsWith("-egress") && o.metadata.name !== "otel-collector-egress");
      assert.deepEqual(egress.map((o) => o.metadata.name).sort(), ["events-egress", "store-egress"], env);
      assert.deepEqual(byName("NetworkPolicy", "store-egress").spec.egress, state.egress, `${env} store egress`);
      assert.deepEqual(byName("NetworkPolicy", "events-egress").spec.egress, pubsub.egress, `${env} pub/sub egress`);
      for (const o of egress) {
        assert.deepEqual(o.spec.podSelector, { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: APPS }] });
      }
    }

    // the README names what each environment runs and the Secrets the overlays read
    const readme = read("README.md");
    const secrets = (env: "dev" | "prod") => [expectedPubsub(c, env), expectedState(c, env)].flatMap((e) => e.metadata.map((m) => m.secretKeyRef?.name).filter(Boolean));
    for (const env of ["dev", "prod"] as const) {
      for (const name of new Set(secrets(env))) assert.match(readme, new RegExp(`- for ${env}: [^\\n]*\`${name}\``), `${env}: ${name}`);
      if (secrets(env).length === 0) assert.doesNotMatch(readme, new RegExp(`- for ${env}:`));
    }
    assert.match(readme, new RegExp(`state on\\s+${c.stateProd === "redis" ? "Redis with TLS" : "PostgreSQL"}`));
  });
}
