// Proves the provisioned runtime (scripts/provision.sh) works, without any generated code:
// real daprd + Redis / PostgreSQL / Kafka, Node HTTP apps, two sidecars, conversation.echo.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fetchT, json, loadRuntime, loopbackNameResolutionConfig, reserveDaprPorts, runCase, stopAll, waitFor, writeResources, type Daprd, type Scope } from "./harness/index.js";

after(async () => {
  await stopAll();
});

const CASE_MS = 120_000;

function component(name: string, type: string, metadata: Record<string, string>, version = "v1"): string {
  const md = Object.entries(metadata)
    .map(([k, v]) => `    - name: ${k}\n      value: ${JSON.stringify(v)}`)
    .join("\n");
  return `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: ${type}
  version: ${version}
  metadata:
${md || "    []"}
`;
}

async function saveState(d: Daprd, store: string, items: unknown[]): Promise<Response> {
  return fetchT(`${d.url}/v1.0/state/${store}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(items),
  });
}

/** save / get+ETag / conditional save / 409 on stale ETag (save and delete) / delete */
async function stateRoundTrip(d: Daprd, store: string): Promise<void> {
  const key = `order-${Date.now()}`;
  let r = await saveState(d, store, [{ key, value: { n: 1, item: "book" } }]);
  assert.equal(r.status, 204, await r.text());

  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { n: 1, item: "book" });
  const etag1 = r.headers.get("etag");
  assert.ok(etag1, "GET returns an ETag header");

  r = await saveState(d, store, [{ key, value: { n: 2, item: "book" }, etag: etag1, options: { concurrency: "first-write" } }]);
  assert.equal(r.status, 204, await r.text());
  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`);
  assert.deepEqual(await r.json(), { n: 2, item: "book" });
  const etag2 = r.headers.get("etag");
  assert.ok(etag2 && etag2 !== etag1, `ETag changes on write (${etag1} -> ${etag2})`);

  // stale ETag: save and delete are rejected with 409
  r = await saveState(d, store, [{ key, value: { n: 3 }, etag: etag1, options: { concurrency: "first-write" } }]);
  assert.equal(r.status, 409, "stale-ETag save answers 409");
  assert.equal(((await r.json()) as { errorCode: string }).errorCode, "ERR_STATE_SAVE");
  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`, { method: "DELETE", headers: { "if-match": etag1 } });
  assert.equal(r.status, 409, "stale-ETag delete answers 409");
  assert.equal(((await r.json()) as { errorCode: string }).errorCode, "ERR_STATE_DELETE");

  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`, { method: "DELETE", headers: { "if-match": etag2 } });
  assert.equal(r.status, 204);
  r = await fetchT(`${d.url}/v1.0/state/${store}/${key}`);
  assert.equal(r.status, 204, "a missing key answers 204 with no body");
  assert.equal(await r.text(), "");
}

/** a Node subscriber app + daprd with `pubsubYaml`; publish one JSON event and see it delivered */
async function pubsubRoundTrip(s: Scope, label: string, pubsubYaml: string): Promise<void> {
  {
    const topic = `orders-${Date.now()}`;
    const app = await s.httpApp({
      "GET /dapr/subscribe": (_req, res) => json(res, 200, [{ pubsubname: "pubsub", topic, route: "/orders" }]),
      "POST /orders": (_req, res) => json(res, 200, { status: "SUCCESS" }),
    });
    const resources = writeResources("res", { "pubsub.yaml": pubsubYaml });
    const d = await s.daprd({ appId: "subscriber", appPort: app.port, resourcesPath: resources });
    // the subscription is in place once the metadata API lists it
    await waitFor("subscription registered", async () => {
      const md = (await (await fetchT(`${d.url}/v1.0/metadata`)).json()) as { subscriptions?: { topic: string }[] };
      return md.subscriptions?.some((x) => x.topic === topic);
    });
    const payload = { orderId: 42, note: label };
    const r = await fetchT(`${d.url}/v1.0/publish/pubsub/${topic}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    assert.equal(r.status, 204, await r.text());
    const got = await app.waitForRequest((q) => q.path === "/orders", 60_000);
    assert.match(String(got.headers["content-type"]), /^application\/cloudevents\+json/);
    const ce = JSON.parse(got.body) as Record<string, unknown>;
    assert.deepEqual(ce.data, payload);
    assert.equal(ce.topic, topic);
    assert.equal(ce.pubsubname, "pubsub");
    assert.equal(ce.source, "subscriber");
    assert.equal(ce.type, "com.dapr.event.sent");
    assert.equal(ce.datacontenttype, "application/json");
  }
}

describe("real Dapr runtime smoke", () => {
  it("provisioned runtime is present", () => {
    const rt = loadRuntime();
    assert.ok(rt.daprdVersion && rt.kafkaVersion);
  });

  it("state.redis: save, get, ETag, 409 on stale ETag, delete", async () => {
    await runCase("state.redis", CASE_MS, async (s) => {
      const redis = await s.redis();
      const resources = writeResources("res", { "statestore.yaml": component("statestore", "state.redis", { redisHost: redis.host }) });
      const d = await s.daprd({ appId: "state-redis", resourcesPath: resources });
      await stateRoundTrip(d, "statestore");
    });
  });

  it("state.postgresql v1: save, get, ETag, 409 on stale ETag, delete", async () => {
    await runCase("state.postgresql", CASE_MS, async (s) => {
      const pg = await s.postgres();
      const resources = writeResources("res", {
        "statestore.yaml": component("statestore", "state.postgresql", { connectionString: pg.connectionString }, "v1"),
      });
      const d = await s.daprd({ appId: "state-pg", resourcesPath: resources });
      await stateRoundTrip(d, "statestore");
      // the row really is in PostgreSQL (table "state", key "<appid>||<key>")
      const keys = pg.psql("SELECT count(*) FROM state", pg.database).trim();
      assert.equal(keys, "0", "deleted key is gone from the table");
    });
  });

  it("pubsub.redis (Streams): publish and deliver to a Node subscriber", async () => {
    await runCase("pubsub.redis", CASE_MS, async (s) => {
      const redis = await s.redis();
      await pubsubRoundTrip(s, "pubsub.redis", component("pubsub", "pubsub.redis", { redisHost: redis.host }));
    });
  });

  it("pubsub.kafka (KRaft, authType none): publish and deliver to a Node subscriber", async () => {
    await runCase("pubsub.kafka", 180_000, async (s) => {
      const kafka = await s.kafka();
      await pubsubRoundTrip(s, "pubsub.kafka", component("pubsub", "pubsub.kafka", { brokers: kafka.brokers, authType: "none", initialOffset: "oldest" }));
    });
  });

  it("service invocation between two sidecars by app id (loopback name resolution)", async () => {
    await runCase("invoke", CASE_MS, async (s) => {
      const app = await s.httpApp({
        "GET /hello": (req, res) => json(res, 200, { hello: "from callee", caller: req.headers["dapr-caller-app-id"] ?? null }),
        "POST /echo": (req, res) => json(res, 201, { echoed: JSON.parse(req.body) as unknown }),
      });
      const callerPorts = await reserveDaprPorts();
      const calleePorts = await reserveDaprPorts();
      const config = loopbackNameResolutionConfig({ caller: callerPorts.internalGrpcPort, callee: calleePorts.internalGrpcPort });
      const resources = writeResources("res", {});
      const cfgDir = writeResources("cfg", { "config.yaml": config });
      const configPath = `${cfgDir}/config.yaml`;
      const callee = await s.daprd({ appId: "callee", appPort: app.port, resourcesPath: resources, configPath, ports: calleePorts });
      const caller = await s.daprd({ appId: "caller", resourcesPath: resources, configPath, ports: callerPorts });
      await waitFor("callee app channel ready", async () => (await fetchT(`${callee.url}/v1.0/healthz`)).status === 204);

      let r = await fetchT(`${caller.url}/v1.0/invoke/callee/method/hello`);
      assert.equal(r.status, 200, await r.clone().text());
      assert.deepEqual(await r.json(), { hello: "from callee", caller: "caller" });

      r = await fetchT(`${caller.url}/echo`, {
        method: "POST",
        headers: { "dapr-app-id": "callee", "content-type": "application/json" },
        body: JSON.stringify({ x: 1 }),
      });
      assert.equal(r.status, 201, "callee status is passed through");
      assert.deepEqual(await r.json(), { echoed: { x: 1 } });

      // an unknown app id fails inside Dapr, not at the callee
      r = await fetchT(`${caller.url}/v1.0/invoke/nobody/method/hello`, { timeoutMs: 30_000 });
      assert.equal(r.status, 500);
      assert.equal(((await r.json()) as { errorCode: string }).errorCode, "ERR_DIRECT_INVOKE");
      assert.equal(app.requests.filter((q) => q.path === "/hello").length, 1);
    });
  });

  it("conversation.echo answers /v1.0-alpha2/conversation/<name>/converse", async () => {
    await runCase("conversation.echo", CASE_MS, async (s) => {
      const resources = writeResources("res", { "echo.yaml": component("echo", "conversation.echo", {}) });
      const d = await s.daprd({ appId: "llm", resourcesPath: resources });
      // no config given: the harness's loopback resolver is used, never mDNS (multicast)
      assert.match(d.logs(), /nr \(kubernetes\/v1\)|name resolution to kubernetes/i);
      assert.doesNotMatch(d.logs(), /mdns/i);
      const r = await fetchT(`${d.url}/v1.0-alpha2/conversation/echo/converse`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          inputs: [{ messages: [{ ofSystem: { content: [{ text: "You are terse." }] } }, { ofUser: { content: [{ text: "hello dapr" }] } }] }],
        }),
      });
      const text = await r.text();
      assert.equal(r.status, 200, text);
      const body = JSON.parse(text) as { outputs: { choices: { finishReason: string; message: { content: string } }[] }[] };
      const choice = body.outputs[0]?.choices[0];
      assert.equal(choice?.finishReason, "stop");
      assert.equal(choice?.message.content, "You are terse.\nhello dapr");

      const bad = await fetchT(`${d.url}/v1.0-alpha2/conversation/nope/converse`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ inputs: [{ messages: [{ ofUser: { content: [{ text: "x" }] } }] }] }),
      });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { errorCode: string }).errorCode, "ERR_CONVERSATION_NOT_FOUND");
    });
  });
});
