// The state components a platform's store choices generate, on real daprd:
//  - `stateStore.dev: postgresql`: the `dapr/local/` component exactly as generated (only its port
//    moved to a throwaway PostgreSQL), password-less as the compose service serves it;
//  - `stateStore.prod: redis`: the prod overlay's component exactly as generated (address and
//    password from the `redis-credentials` Secret, TLS on) against a Redis that serves only TLS and
//    requires the password. Self-hosted daprd reads the Secret from a local file store (in a cluster
//    it is the Kubernetes one) and trusts the test CA through SSL_CERT_FILE; without that CA the
//    component fails to load: the server's certificate is verified.
import { after, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { fetchT, runCase, stopAll, tempDir, waitFor, writeResources, writeServerCertificate, type Daprd } from "./harness/index.js";
import { toYaml } from "../../src/render/yaml.js";
import { renderedPlatform } from "../support/platforms.js";

after(async () => {
  await stopAll();
});

const CASE_MS = 120_000;
const APP_ID = "orders-service";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** One generated file of a two-service platform whose stores are chosen by `stores`. */
function generatedComponent(stores: string, path: string): Obj {
  const manifest = `apiVersion: fastdapr/v1
name: shop
defaults:
  stateStore: ${stores}
topics:
  orders.created: {}
services:
  ${APP_ID}:
    port: 8001
    publishes: [orders.created]
    state: ["order:{id}"]
  stock-service:
    port: 8002
    subscribes: [orders.created]
`;
  const tree = renderedPlatform(manifest);
  const doc = parseYaml(tree.get(path)!.content) as Obj;
  assert.ok(doc.scopes.includes(APP_ID), "the sidecar's app id is in the component's scopes");
  return doc;
}

async function save(d: Daprd, store: string, items: unknown[]): Promise<Response> {
  return fetchT(`${d.url}/v1.0/state/${store}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(items) });
}

/** save, read back with its ETag, a stale-ETag write refused with 409, delete */
async function roundTrip(d: Daprd, store: string): Promise<string> {
  const key = `order:${Date.now()}`;
  let r = await save(d, store, [{ key, value: { id: 1, item: "book" } }]);
  assert.equal(r.status, 204, await r.text());
  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { id: 1, item: "book" });
  const etag = r.headers.get("etag");
  assert.ok(etag);
  r = await save(d, store, [{ key, value: { id: 1, item: "pen" }, etag, options: { concurrency: "first-write" } }]);
  assert.equal(r.status, 204, await r.text());
  r = await save(d, store, [{ key, value: { id: 1, item: "lost" }, etag, options: { concurrency: "first-write" } }]);
  assert.equal(r.status, 409, "a stale ETag is refused");
  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`);
  assert.deepEqual(await r.json(), { id: 1, item: "pen" });
  const metadata = (await (await fetchT(`${d.url}/v1.0/metadata`)).json()) as { components: { name: string; type: string; version: string }[] };
  const loaded = metadata.components.find((c) => c.name === store);
  assert.ok(loaded, `${store} is loaded`);
  return `${loaded.type}/${loaded.version}:${etag}`;
}

it("stateStore.dev postgresql: the generated local component (state.postgresql v2, no password) stores, versions and refuses stale writes", async () => {
  await runCase("dev postgresql", CASE_MS, async (s) => {
    const doc = generatedComponent("{ dev: postgresql }", "dapr/local/statestore.yaml");
    const connection = doc.spec.metadata.find((m: Obj) => m.name === "connectionString");
    assert.equal(connection.value, "host=localhost port=5432 user=postgres database=postgres sslmode=disable");
    const pg = await s.postgres();
    // the one change: the throwaway server's port (it trusts local connections, as the compose service does)
    connection.value = connection.value.replace("port=5432", `port=${pg.port}`);
    const d = await s.daprd({ appId: APP_ID, resourcesPath: writeResources("pg-res", { "statestore.yaml": toYaml(doc) }) });
    const seen = await roundTrip(d, doc.metadata.name);
    assert.match(seen, /^state\.postgresql\/v2:[0-9a-f]{8}-[0-9a-f]{4}-/, "v2: the ETag is the row's UUID");
    // the row is in the server's default database, under the app id's key prefix
    assert.match(pg.psql("SELECT key FROM state", "postgres"), new RegExp(`^${APP_ID}\\|\\|order:`));
  });
});

it("stateStore.prod redis: the generated overlay component reads host and password from the Secret and talks verified TLS", async () => {
  await runCase("prod redis", CASE_MS, async (s) => {
    const doc = generatedComponent("{ prod: redis }", "deploy/overlays/prod/dapr/statestore.yaml");
    assert.deepEqual(
      doc.spec.metadata.map((m: Obj) => m.name),
      ["redisHost", "redisPassword", "enableTLS"],
    );
    const tls = writeServerCertificate();
    const password = randomBytes(12).toString("hex");
    const redis = await s.redis({ tls, password });
    // the Kubernetes Secret, as a local secret store: {"redis-credentials": {"host": …, "password": …}}
    const secretsDir = tempDir("secrets");
    const secretsFile = join(secretsDir, "secrets.json");
    writeFileSync(secretsFile, JSON.stringify({ "redis-credentials": { host: `localhost:${redis.port}`, password } }));
    const secretStore = {
      apiVersion: "dapr.io/v1alpha1",
      kind: "Component",
      metadata: { name: "cluster-secrets" },
      spec: {
        type: "secretstores.local.file",
        version: "v1",
        metadata: [
          { name: "secretsFile", value: secretsFile },
          { name: "multiValued", value: "true" },
        ],
      },
    };
    // the one addition: self-hosted daprd needs to be told which store holds the Secrets
    const resources = writeResources("redis-res", {
      "statestore.yaml": toYaml({ ...doc, auth: { secretStore: "cluster-secrets" } }),
      "secrets.yaml": toYaml(secretStore),
    });

    // without the CA the server's certificate is not trusted: the component fails to initialise and
    // daprd stops (it may answer its health check for a moment first, so wait for the exit)
    let untrustedLog: string;
    try {
      const untrusted = await s.daprd({ appId: APP_ID, resourcesPath: resources, readyTimeoutMs: 20_000 });
      await waitFor("daprd without the CA exits", () => untrusted.proc.hasExited(), { timeoutMs: 20_000 });
      untrustedLog = untrusted.logs();
    } catch (e) {
      untrustedLog = String(e);
    }
    assert.match(untrustedLog, /INIT_COMPONENT_FAILURE[^\n]*state\.redis[^\n]*x509/, "the certificate is verified");

    const d = await s.daprd({ appId: APP_ID, resourcesPath: resources, env: { SSL_CERT_FILE: tls.ca } });
    const seen = await roundTrip(d, doc.metadata.name);
    assert.match(seen, /^state\.redis\/v1:/);
  });
});
