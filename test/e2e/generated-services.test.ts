// Issue #3, end to end: services made by `fastdapr new` (rendered through the library) run as
// uvicorn beside their own real daprd, with the generated Dapr component files re-pointed at
// real Kafka / Redis / PostgreSQL on loopback. See test/e2e/support/generated-services.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import {
  accessLog,
  APP_ENV,
  emptied,
  fetchT,
  json,
  reserveDaprPorts,
  runCase,
  sleep,
  stopAll,
  waitFor,
  writeResources,
  loopbackNameResolutionConfig,
  type AppProcess,
  type Daprd,
  type DaprPorts,
  type Scope,
} from "./harness/index.js";
import {
  A,
  AUDIT,
  B,
  PLACED,
  componentNames,
  configFor,
  generateServices,
  resourcesFor,
  type GeneratedServices,
  type PubsubKind,
  type StateKind,
} from "./support/generated-services.js";

let g: GeneratedServices;
before(() => {
  g = generateServices();
});
after(async () => {
  await stopAll();
  g?.cleanup();
});

const CASE_MS = 150_000;
/** variables a developer's shell may carry that must not reach the apps, daprd or pytest */
const SCRUB = [...APP_ENV, "DAPR_CONTRACT_HTTP_PORT", "DAPR_CONTRACT_STATE_STORE", "DAPR_CONTRACT_PUBSUB"];
const EMPTY = emptied(SCRUB);

interface Running {
  app: AppProcess;
  dapr: Daprd;
}

interface ServiceRun {
  dir: string;
  appId: string;
  pubsub: PubsubKind;
  state: StateKind;
  ports?: DaprPorts;
  loopback?: string;
  appEnv?: Record<string, string>;
  daprEnv?: Record<string, string>;
}

/** uvicorn first (daprd reads /dapr/subscribe once the app port is open), then its daprd */
async function startService(s: Scope, o: ServiceRun): Promise<Running> {
  const ports = o.ports ?? (await reserveDaprPorts());
  const resources = writeResources(`${o.appId}-res`, resourcesFor(o.dir, o.pubsub, o.state));
  const cfg = writeResources(`${o.appId}-cfg`, { "config.yaml": configFor(o.dir, o.loopback) });
  const app = await s.app({
    cwd: o.dir,
    python: g.python,
    env: { ...EMPTY, LOG_LEVEL: "INFO", DAPR_HTTP_PORT: String(ports.httpPort), ...o.appEnv },
  });
  const dapr = await s.daprd({
    appId: o.appId,
    appPort: app.port,
    resourcesPath: resources,
    configPath: join(cfg, "config.yaml"),
    ports,
    env: { ...EMPTY, ...o.daprEnv },
  });
  return { app, dapr };
}

interface Subscription {
  pubsubname: string;
  topic: string;
  deadLetterTopic?: string;
  rules?: { path: string }[];
}

async function metadataSubscriptions(d: Daprd, headers: Record<string, string> = {}): Promise<Subscription[]> {
  const r = await fetchT(`${d.url}/v1.0/metadata`, { headers });
  assert.equal(r.status, 200);
  return ((await r.json()) as { subscriptions?: Subscription[] }).subscriptions ?? [];
}

/** every subscription the app declares on /dapr/subscribe is registered in daprd, route and dead-letter topic included */
async function expectDeclaredSubscriptionsLive(svc: Running, appHeaders: Record<string, string> = {}, daprHeaders: Record<string, string> = {}): Promise<void> {
  const r = await fetchT(`${svc.app.url}/dapr/subscribe`, { headers: appHeaders });
  assert.equal(r.status, 200);
  const declared = (await r.json()) as { pubsubname: string; topic: string; route: string; deadLetterTopic: string }[];
  assert.ok(declared.length >= 2, "the service declares its subscriptions");
  await waitFor("declared subscriptions registered in daprd", async () => {
    const live = await metadataSubscriptions(svc.dapr, daprHeaders);
    return declared.every((d) =>
      live.some((l) => l.topic === d.topic && l.pubsubname === d.pubsubname && l.deadLetterTopic === d.deadLetterTopic && (l.rules ?? []).some((rule) => rule.path === d.route)),
    );
  });
}

async function readState(d: Daprd, store: string, key: string, headers: Record<string, string> = {}): Promise<unknown> {
  const r = await fetchT(`${d.url}/v1.0/state/${store}/${encodeURIComponent(key)}`, { headers });
  if (r.status === 204) return undefined;
  assert.equal(r.status, 200, await r.clone().text());
  return r.json();
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetchT(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

// ------------------------------------------------------------------ 1. pub/sub
async function pubsubCase(s: Scope, pubsub: PubsubKind, redisHost: string): Promise<void> {
  const names = componentNames(g.b);
  const state: StateKind = { kind: "redis", redisHost };
  const b = await startService(s, { dir: g.b, appId: B, pubsub, state });
  const a = await startService(s, { dir: g.a, appId: A, pubsub, state });

  // a third subscriber on the dead-letter topic, with the same generated pubsub component
  const dlqTopic = `${PLACED}-dlq`;
  const dlqApp = await s.httpApp({
    "GET /dapr/subscribe": (_q, res) => json(res, 200, [{ pubsubname: names.pubsub, topic: dlqTopic, route: "/dlq" }]),
    "POST /dlq": (_q, res) => json(res, 200, { status: "SUCCESS" }),
  });
  const dlqRes = writeResources("dlq-res", { "pubsub.yaml": resourcesFor(g.b, pubsub, state)["pubsub.yaml"]! });
  const dlqDapr = await s.daprd({ appId: "dlq-watcher", appPort: dlqApp.port, resourcesPath: dlqRes, env: EMPTY });

  await expectDeclaredSubscriptionsLive(b);
  await waitFor("dlq subscription", async () => (await metadataSubscriptions(dlqDapr)).some((x) => x.topic === dlqTopic));

  // typed payload through A's generated publisher (publish_orders_placed) to B's handler
  const order = { orderId: "o-1", qty: 3, note: 'intact: ü € "quoted"' };
  let r = await postJson(`${a.app.url}/orders`, order);
  assert.equal(r.status, 202, await r.text());
  // an open-model topic too: every declared subscription delivers
  r = await postJson(`${a.app.url}/raw/${AUDIT}`, { id: "a-1", lines: [1, 2], nested: { ok: true } });
  assert.equal(r.status, 202, await r.text());
  // RETRY twice, then success on the 3rd delivery
  r = await postJson(`${a.app.url}/orders`, { orderId: "o-retry", qty: 1, failTimes: 2 });
  assert.equal(r.status, 202, await r.text());
  // invalid for the closed model: a non-object, and a wrong type
  r = await postJson(`${a.app.url}/raw/${PLACED}`, "not an object");
  assert.equal(r.status, 202, await r.text());
  r = await postJson(`${a.app.url}/raw/${PLACED}`, { orderId: "o-bad", qty: "many" });
  assert.equal(r.status, 202, await r.text());

  const received = (await waitFor("o-1 stored by B's handler", () => readState(b.dapr, names.stateStore, "received:o-1"), { timeoutMs: 60_000 })) as Record<string, unknown>;
  assert.deepEqual(received.payload, { ...order, failTimes: 0 }, "payload intact");
  assert.equal(received.model, "OrderPlaced", "the handler got the typed model");
  assert.equal(received.qty_is_int, true);
  assert.equal(received.attempts, 1);
  assert.equal(received.topic, PLACED);
  assert.equal(received.pubsub, names.pubsub);
  assert.equal(received.source, A, "CloudEvent source is the publisher's app id");

  const audit = (await waitFor("a-1 stored by B's audit handler", () => readState(b.dapr, names.stateStore, "audit:a-1"), {
    timeoutMs: 60_000,
  })) as Record<string, unknown>;
  assert.deepEqual(audit.payload, { id: "a-1", lines: [1, 2], nested: { ok: true } });

  const retried = (await waitFor("o-retry stored after retries", () => readState(b.dapr, names.stateStore, "received:o-retry"), {
    timeoutMs: 60_000,
  })) as Record<string, unknown>;
  assert.equal(retried.attempts, 3, "RETRY, RETRY, then SUCCESS on the 3rd delivery");

  // both invalid events reach the dead-letter topic, each once
  await waitFor("2 dead letters", () => dlqApp.requests.filter((q) => q.path === "/dlq").length >= 2, { timeoutMs: 60_000 });
  await sleep(3000); // room for (wrong) redeliveries to show up
  const dead = dlqApp.requests.filter((q) => q.path === "/dlq").map((q) => (JSON.parse(q.body) as { data: unknown }).data);
  assert.deepEqual(
    [...dead].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ["not an object", { orderId: "o-bad", qty: "many" }].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    "each invalid event is dead-lettered exactly once",
  );
  assert.equal(occurrences(b.app.logs(), "dropping an invalid event"), 2, "each invalid event was delivered to B once, not retried");
  assert.equal(await readState(b.dapr, names.stateStore, "received:o-bad"), undefined);
  // no redelivery after success
  assert.equal(await readState(b.dapr, names.stateStore, "attempts:o-retry"), 3);
  assert.equal(await readState(b.dapr, names.stateStore, "attempts:o-1"), 1);
}

// ------------------------------------------------------------------ 2. state contract (pytest)
function pytest(dir: string, files: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const k of SCRUB) delete clean[k];
  return new Promise((resolve) => {
    execFile(
      g.python,
      ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", ...files],
      { cwd: dir, env: { ...clean, ...env }, timeout: 120_000, encoding: "utf8" },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, out: `${stdout}\n${stderr}` });
      },
    );
  });
}

const CONTRACT_CASES = [
  "test_missing_key_is_none",
  "test_save_then_get_returns_value_and_etag",
  "test_a_new_write_changes_the_etag",
  "test_stale_etag_save_conflicts",
  "test_stale_etag_delete_conflicts",
  "test_ttl_is_accepted",
  "test_concurrent_updates_lose_nothing",
  "test_publish_is_accepted",
];

function assertAllPassed(run: { code: number; out: string }, cases: string[], where: string): void {
  assert.equal(run.code, 0, `pytest against ${where} failed:\n${run.out}`);
  for (const c of cases) assert.match(run.out, new RegExp(`PASSED [^\\n]*::${c}\\b`), `${c} passed against ${where}`);
}

function probe(env: Record<string, string>): Promise<Record<string, [number, string]>> {
  return new Promise((resolve, reject) => {
    execFile(g.python, ["-m", "tests.e2e_probe"], { cwd: g.b, env: { ...process.env, ...EMPTY, ...env }, timeout: 60_000, encoding: "utf8" }, (err, stdout, stderr) =>
      err ? reject(new Error(`probe failed: ${String(err)}\n${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, [number, string]>),
    );
  });
}

/**
 * Where the fake sidecar and daprd + state.redis answer differently today (status, errorCode),
 * reported to the template owner; not compared until the fake is fixed. Every other probe must match.
 *   firstwrite_noetag_existing: Redis overwrites a key written without first-write (204), fake 409
 *   firstwrite_noetag_on_firstwrite_key: Redis 500 ERR_STATE_SAVE (PostgreSQL too), fake 409
 *   etag_on_missing_key / delete_etag_missing: Redis 204 (PostgreSQL 409, like the fake)
 *   ttl_bad ("x"): daprd 500 ERR_STATE_SAVE, fake 400 ERR_MALFORMED_REQUEST
 *   publish_badjson (invalid JSON as application/json): daprd 204, fake 400
 */
const KNOWN_FAKE_DIFFERENCES = new Set([
  "firstwrite_noetag_existing",
  "firstwrite_noetag_on_firstwrite_key",
  "etag_on_missing_key",
  "delete_etag_missing",
  "ttl_bad",
  "publish_badjson",
]);

async function contractAgainstRealDapr(s: Scope, state: StateKind, redisHost: string, label: string): Promise<Daprd> {
  const names = componentNames(g.b);
  const resources = writeResources("contract-res", resourcesFor(g.b, { kind: "redis", redisHost }, state));
  const d = await s.daprd({ appId: B, resourcesPath: resources, env: EMPTY });
  const env = {
    DAPR_CONTRACT_HTTP_PORT: String(d.httpPort),
    DAPR_CONTRACT_STATE_STORE: names.stateStore,
    DAPR_CONTRACT_PUBSUB: names.pubsub,
  };
  const run = await pytest(g.b, ["tests/test_dapr_contract.py", "tests/test_e2e_ttl.py"], env);
  assertAllPassed(run, [...CONTRACT_CASES, "test_ttl_expires"], label);
  return d;
}

describe("generated services on real Dapr", () => {
  it("pub/sub over Kafka: typed delivery A→B, RETRY redelivered, invalid payload dead-lettered once, subscriptions live", async () => {
    await runCase("generated pubsub.kafka", 240_000, async (s) => {
      const [kafka, redis] = await Promise.all([s.kafka(), s.redis()]);
      await pubsubCase(s, { kind: "kafka", brokers: kafka.brokers }, redis.host);
    });
  });

  it("pub/sub over Redis Streams: the same, with the generated component switched to pubsub.redis", async () => {
    await runCase("generated pubsub.redis", CASE_MS, async (s) => {
      const redis = await s.redis();
      await pubsubCase(s, { kind: "redis", redisHost: redis.host }, redis.host);
    });
  });

  it("state on Redis: the generated contract tests (and TTL expiry) pass against real daprd", async () => {
    await runCase("contract state.redis", CASE_MS, async (s) => {
      const redis = await s.redis();
      const d = await contractAgainstRealDapr(s, { kind: "redis", redisHost: redis.host }, redis.host, "daprd + state.redis");
      // the fake answers the edges of the API like daprd + Redis
      const [real, fake] = await Promise.all([probe({ PORT: String(d.httpPort) }), probe({})]);
      assert.deepEqual(Object.keys(fake).sort(), Object.keys(real).sort());
      const compared = Object.keys(real).filter((k) => !KNOWN_FAKE_DIFFERENCES.has(k));
      assert.ok(compared.length >= 14);
      assert.deepEqual(
        Object.fromEntries(compared.map((k) => [k, fake[k]])),
        Object.fromEntries(compared.map((k) => [k, real[k]])),
        "fake sidecar (actual) vs daprd + state.redis (expected)",
      );
    });
  });

  it("state on PostgreSQL (generated k8s state.postgresql v2): the contract tests and TTL expiry pass", async () => {
    await runCase("contract state.postgresql", CASE_MS, async (s) => {
      const [redis, pg] = await Promise.all([s.redis(), s.postgres()]);
      await contractAgainstRealDapr(s, { kind: "postgres", connectionString: pg.connectionString }, redis.host, "daprd + state.postgresql v2");
    });
  });

  it("the same contract tests pass against the generated fake sidecar", async () => {
    await runCase("contract fake sidecar", 60_000, async () => {
      const run = await pytest(g.b, ["tests/test_dapr_contract.py"], {});
      assertAllPassed(run, CONTRACT_CASES, "the fake sidecar");
    });
  });

  it("service invocation: A calls B by app id; 404/503 are typed errors; a missing app fails fast", async () => {
    await runCase("generated invoke", CASE_MS, async (s) => {
      const redis = await s.redis();
      const aPorts = await reserveDaprPorts();
      const bPorts = await reserveDaprPorts();
      const loopback = loopbackNameResolutionConfig({ [A]: aPorts.internalGrpcPort, [B]: bPorts.internalGrpcPort });
      const common = { pubsub: { kind: "redis", redisHost: redis.host } as PubsubKind, state: { kind: "redis", redisHost: redis.host } as StateKind, loopback };
      const b = await startService(s, { ...common, dir: g.b, appId: B, ports: bPorts });
      const a = await startService(s, { ...common, dir: g.a, appId: A, ports: aPorts });
      await waitFor("B's app channel", async () => (await fetchT(`${b.dapr.url}/v1.0/healthz`)).status === 204);

      const call = async (path: string) => {
        const r = await fetchT(`${a.app.url}/call/${path}`, { timeoutMs: 60_000 });
        assert.equal(r.status, 200, await r.clone().text());
        return (await r.json()) as Record<string, unknown>;
      };
      let got = await call("b/items/x1");
      assert.deepEqual(got.answer, { id: "x1", calls: 1 }, "B's JSON answer comes back through both sidecars");

      got = await call("b/items/missing");
      assert.equal(got.error, "InvocationClientError", JSON.stringify(got));
      assert.equal(got.status, 404);

      got = await call("b/items/down");
      assert.equal(got.error, "InvocationServerError", JSON.stringify(got));
      assert.equal(got.status, 503);
      const calls = (await (await fetchT(`${b.app.url}/calls`)).json()) as Record<string, number>;
      assert.equal(calls.missing, 1, "a 4xx is not retried");
      assert.equal(calls.down, 3, "an idempotent GET answered 503 is retried up to invoke_max_attempts (3)");

      // a missing app: one attempt (POST is not retried) fails with Dapr's ERR_DIRECT_INVOKE well
      // within the 10 s invoke timeout; Dapr itself already retried the dial 3 times
      got = await call("nobody/items/x?verb=POST");
      assert.equal(got.error, "TargetUnavailableError", JSON.stringify(got));
      assert.equal(got.code, "ERR_DIRECT_INVOKE");
      assert.match(String(got.message), /nobody/);
      assert.ok(Number(got.seconds) < 10, `a missing app fails within the 10 s invoke timeout (took ${String(got.seconds)} s)`);
      // an idempotent GET is retried by the invoker on top of Dapr's retries: bounded by
      // invoke_max_attempts x invoke timeout
      got = await call("nobody/items/x");
      assert.equal(got.error, "TargetUnavailableError", JSON.stringify(got));
      assert.ok(Number(got.seconds) < 30, `bounded by 3 attempts x 10 s (took ${String(got.seconds)} s)`);
    });
  });

  it("health: /readyz is 503 until the sidecar is up, then 200; /livez stays 200", async () => {
    await runCase("generated health", CASE_MS, async (s) => {
      const redis = await s.redis();
      const ports = await reserveDaprPorts();
      const app = await s.app({ cwd: g.b, python: g.python, env: { ...EMPTY, DAPR_HTTP_PORT: String(ports.httpPort) } });
      let r = await fetchT(`${app.url}/readyz`);
      assert.equal(r.status, 503, "no sidecar yet");
      r = await fetchT(`${app.url}/livez`);
      assert.equal(r.status, 200, "liveness does not depend on the sidecar");

      const resources = writeResources("health-res", resourcesFor(g.b, { kind: "redis", redisHost: redis.host }, { kind: "redis", redisHost: redis.host }));
      const cfg = writeResources("health-cfg", { "config.yaml": configFor(g.b) });
      const d = await s.daprd({ appId: B, appPort: app.port, resourcesPath: resources, configPath: join(cfg, "config.yaml"), ports, env: EMPTY });
      await waitFor("/readyz 200 once daprd is up", async () => (await fetchT(`${app.url}/readyz`)).status === 200, { timeoutMs: 20_000 });
      r = await fetchT(`${app.url}/livez`);
      assert.equal(r.status, 200);

      await d.stop();
      await waitFor("/readyz 503 once daprd is gone", async () => (await fetchT(`${app.url}/readyz`)).status === 503, { timeoutMs: 20_000 });
      r = await fetchT(`${app.url}/livez`);
      assert.equal(r.status, 200, "liveness survives a sidecar outage");
    });
  });

  it("security: APP_API_TOKEN refuses direct calls but Dapr's deliveries pass; DAPR_API_TOKEN is sent by the generated client", async () => {
    await runCase("generated security", CASE_MS, async (s) => {
      const redis = await s.redis();
      const names = componentNames(g.b);
      const appToken = "app-token-e2e-1";
      const daprToken = "dapr-token-e2e-2";
      const tokens = { APP_API_TOKEN: appToken, DAPR_API_TOKEN: daprToken };
      const b = await startService(s, {
        dir: g.b,
        appId: B,
        pubsub: { kind: "redis", redisHost: redis.host },
        state: { kind: "redis", redisHost: redis.host },
        appEnv: tokens,
        daprEnv: tokens,
      });
      const withDaprToken = { "dapr-api-token": daprToken };

      // the app: 401 without the token, open probes, 200 with the token
      let r = await fetchT(`${b.app.url}/info`);
      assert.equal(r.status, 401, "a direct call without the app token is refused");
      r = await fetchT(`${b.app.url}/info`, { headers: { "dapr-api-token": "wrong" } });
      assert.equal(r.status, 401);
      r = await fetchT(`${b.app.url}/info`, { headers: { "dapr-api-token": appToken } });
      assert.equal(r.status, 200);
      assert.equal((await fetchT(`${b.app.url}/livez`)).status, 200);
      assert.equal((await fetchT(`${b.app.url}/readyz`)).status, 200);

      // the sidecar: 401 without its token
      r = await fetchT(`${b.dapr.url}/v1.0/state/${names.stateStore}/anything`);
      assert.equal(r.status, 401, "daprd refuses a raw call without DAPR_API_TOKEN");

      // daprd read /dapr/subscribe (carrying the app token) ...
      await expectDeclaredSubscriptionsLive(b, { "dapr-api-token": appToken }, withDaprToken);
      // ... and its deliveries reach the handler, whose state writes go through the generated
      // client carrying DAPR_API_TOKEN
      r = await postJson(`${b.dapr.url}/v1.0/publish/${names.pubsub}/${AUDIT}`, { id: "sec-1", secure: true }, withDaprToken);
      assert.equal(r.status, 204, await r.text());
      const stored = (await waitFor("sec-1 stored by the handler", () => readState(b.dapr, names.stateStore, "audit:sec-1", withDaprToken), {
        timeoutMs: 30_000,
      })) as Record<string, unknown>;
      assert.deepEqual(stored.payload, { id: "sec-1", secure: true });
      const fromDaprd = accessLog(b.app).filter((l) => /^(GET \/dapr\/subscribe|POST \/events\/)/.test(l));
      assert.ok(fromDaprd.length >= 2, `daprd's calls are in the access log:\n${b.app.logs()}`);
      assert.deepEqual(
        fromDaprd.filter((l) => / 401$/.test(l)),
        [],
        "no call from daprd was refused",
      );
    });
  });
});
