// Issue #18, end to end: OpenTelemetry from the LearnFlow platform to a real collector. The six
// services run as uvicorn beside their own real daprd on Redis (as in learnflow-flow.test.ts), with
// the Dapr Configuration and the OTEL_* variables `fastdapr generate` writes for `dapr run` once the
// manifest names a local endpoint, re-pointed at a collector built by scripts/provision-otel.sh.
// One learner's query must come out as one trace through triage, its sidecar, the broker, concepts'
// sidecar and handler, and progress's handler, and the handler outcomes as metrics. Without an
// endpoint (the default for `dapr run`) the same query works and nothing is exported.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  APP_ENV,
  emptied,
  fetchT,
  LLM_ENV,
  reserveDaprPorts,
  runCase,
  stopAll,
  waitFor,
  writeResources,
  type AppProcess,
  type Daprd,
  type DaprPorts,
  type Scope,
} from "./harness/index.js";
import { otelcolBinary, startCollector, type Collector, type ExportedSpan } from "./harness/otel.js";
import { startFakeLlm } from "./harness/fake-llm.js";
import { agentEnv, agentReply } from "./support/learnflow-journey.js";
import { venvPath } from "./support/generated-services.js";
import { initLearnflow, localConfig, localResources, SERVICES, type Learnflow, type ServiceName } from "./support/learnflow.js";
import { runCli } from "../support/cli.js";

/** the endpoint the manifest names for `dapr run`; the test re-points it at its collector's port */
const MANIFEST_ENDPOINT = "http://127.0.0.1:4318";

let traced: Learnflow;
let untraced: Learnflow;
before(async () => {
  untraced = await initLearnflow();
  traced = await initLearnflow();
  const manifest = join(traced.root, "fastdapr.yaml");
  writeFileSync(manifest, `${readFileSync(manifest, "utf8")}\nobservability:\n  endpoints:\n    local: ${MANIFEST_ENDPOINT}\n`);
  const regen = await runCli(["generate", "--json"], traced.root);
  assert.equal(regen.code, 0, regen.stdout + regen.stderr);
});
after(async () => {
  await stopAll();
  traced?.cleanup();
  untraced?.cleanup();
});

/** variables a developer's shell may carry that must not reach the apps or daprd (daprd reads OTEL_* too) */
const EMPTY = emptied([
  ...APP_ENV,
  ...LLM_ENV,
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
  "OTEL_SDK_DISABLED",
  "OTEL_SERVICE_NAME",
]);

interface Running {
  app: AppProcess;
  dapr: Daprd;
}

/** dapr.yaml's env of one app, as `dapr run -f .` would give it */
function runFileEnv(lf: Learnflow, svc: ServiceName): Record<string, string> {
  const run = parse(readFileSync(join(lf.root, "dapr.yaml"), "utf8")) as { apps: { appID: string; env: Record<string, string> }[] };
  return run.apps.find((a) => a.appID === svc)!.env;
}

async function startPlatform(s: Scope, lf: Learnflow, redis: string, collector: Collector | null): Promise<Record<ServiceName, Running>> {
  const llm = await startFakeLlm(agentReply);
  s.defer(() => llm.stop());
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (svc) => [svc, await reserveDaprPorts()] as const))) as Record<ServiceName, DaprPorts>;
  const resources = writeResources("otel-res", localResources(lf.root, { redis }));
  const config = parse(localConfig(lf.root, Object.fromEntries(SERVICES.map((svc) => [svc, ports[svc].internalGrpcPort])))) as {
    spec: { tracing: { otel?: { endpointAddress: string } } };
  };
  if (collector) {
    assert.equal(config.spec.tracing.otel?.endpointAddress, "127.0.0.1:4318", "the generated Configuration exports to the manifest's endpoint");
    config.spec.tracing.otel!.endpointAddress = `127.0.0.1:${collector.port}`;
  } else {
    assert.equal(config.spec.tracing.otel, undefined, "no endpoint: the sidecars export nowhere");
  }
  const configDir = writeResources("otel-cfg", { "config.yaml": stringify(config) });
  const python = join(venvPath(), "bin", "python");
  const start = async (svc: ServiceName): Promise<[ServiceName, Running]> => {
    const generated = runFileEnv(lf, svc);
    const telemetry: Record<string, string> = {};
    if (collector) {
      assert.equal(generated.OTEL_EXPORTER_OTLP_ENDPOINT, MANIFEST_ENDPOINT, `${svc}: dapr.yaml carries the endpoint`);
      Object.assign(telemetry, generated, {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        // export soon after the query instead of every 5 s (spans) and 60 s (metrics)
        OTEL_BSP_SCHEDULE_DELAY: "200",
        OTEL_METRIC_EXPORT_INTERVAL: "1000",
      });
    } else {
      assert.equal(generated.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, `${svc}: no endpoint in dapr.yaml`);
    }
    const app = await s.app({
      cwd: lf.dir(svc),
      python,
      env: { ...EMPTY, LOG_LEVEL: "INFO", DAPR_HTTP_PORT: String(ports[svc].httpPort), ...agentEnv(svc, llm.baseUrl), ...telemetry },
    });
    const dapr = await s.daprd({ appId: svc, appPort: app.port, resourcesPath: resources, configPath: join(configDir, "config.yaml"), ports: ports[svc], env: EMPTY });
    return [svc, { app, dapr }];
  };
  const running = Object.fromEntries(await Promise.all(SERVICES.map(start))) as Record<ServiceName, Running>;
  for (const svc of SERVICES) {
    await waitFor(`${svc} sidecar healthy`, async () => (await fetchT(`${running[svc].dapr.url}/v1.0/healthz`)).status === 204);
  }
  return running;
}

/** one concept question into triage, answered once concepts' response is back in the session */
async function askConcept(triage: string): Promise<void> {
  const r = await fetchT(`${triage}/queries`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user_id: "learner-1", session_id: "session-1", query: "What is a for loop?" }),
    timeoutMs: 30_000,
  });
  assert.equal(r.status, 202, await r.clone().text());
  await waitFor("the concept answer in the session", async () => {
    const session = (await (await fetchT(`${triage}/sessions/session-1`)).json()) as { answers: { kind: string }[] };
    return session.answers.some((a) => a.kind === "concept");
  });
}

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;
const isApp = (s: ExportedSpan) => s.scope === "app";

/** the span's ancestors in its trace, nearest first */
function ancestors(span: ExportedSpan, trace: ExportedSpan[]): ExportedSpan[] {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const chain: ExportedSpan[] = [];
  for (let p = byId.get(span.parentSpanId); p && chain.length < 50; p = byId.get(p.parentSpanId)) chain.push(p);
  return chain;
}

describe("OpenTelemetry from LearnFlow to a real collector", () => {
  it("the collector configurations fastdapr generates (compose, dev overlay) are accepted by a real collector", async () => {
    const compose = join(traced.root, "otel", "collector.yaml");
    const overlay = parse(readFileSync(join(traced.root, "deploy/overlays/dev/otel-collector/configmap.yaml"), "utf8")) as { data: Record<string, string> };
    const dev = join(traced.root, "dev-collector.yaml");
    writeFileSync(dev, overlay.data["config.yaml"]!);
    for (const config of [compose, dev]) {
      const run = spawnSync(otelcolBinary(), ["validate", "--config", config], { encoding: "utf8", timeout: 60_000 });
      assert.equal(run.status, 0, `${config}: ${run.stdout}${run.stderr}`);
    }
    // and the check can fail: a pipeline naming an exporter the configuration lacks is refused
    writeFileSync(dev, overlay.data["config.yaml"]!.replace("- debug", "- missing"));
    assert.notEqual(spawnSync(otelcolBinary(), ["validate", "--config", dev], { encoding: "utf8", timeout: 60_000 }).status, 0);
  });

  it("one query is one trace: triage, its sidecar, delivery to concepts and its handler, progress's handler; handler outcomes as metrics", async () => {
    await runCase("otel trace through learnflow", 150_000, async (s) => {
      const [redis, collector] = await Promise.all([s.redis(), startCollector()]);
      s.defer(() => collector.stop());
      const svc = await startPlatform(s, traced, redis.host, collector);
      await askConcept(svc["triage-service"].app.url);

      const entry = await waitFor("triage's server span of the query", () =>
        collector.spans().find((x) => x.service === "triage-service" && isApp(x) && x.kind === SERVER && x.name === "POST /queries"),
      );
      const traceOf = () => collector.spans().filter((x) => x.traceId === entry.traceId);
      const concepts = (t: ExportedSpan[]) => t.find((x) => x.service === "concepts-service" && isApp(x) && x.kind === CONSUMER && x.name === "process learning.concept-request");
      const progress = (t: ExportedSpan[]) => t.find((x) => x.service === "progress-service" && isApp(x) && x.kind === CONSUMER);
      const sidecarOf = (service: string, t: ExportedSpan[]) => t.some((x) => x.service === service && !isApp(x));
      const trace = await waitFor(
        // daprd exports in batches every 5 s: wait for the sidecars' spans too
        "the query's trace through both sidecars, concepts and progress",
        () => {
          const t = traceOf();
          return concepts(t) && progress(t) && sidecarOf("triage-service", t) && sidecarOf("concepts-service", t) ? t : undefined;
        },
        { timeoutMs: 30_000 },
      );
      const names = trace.map((x) => `${x.service} [${x.scope}] ${x.name}`).sort();

      // triage: the request, the call to its sidecar that publishes, and the sidecar's own span
      const publish = trace.find((x) => x.service === "triage-service" && isApp(x) && x.kind === CLIENT && x.attributes["dapr.api"] === "publish");
      assert.ok(publish, `triage's client span of a publish:\n${names.join("\n")}`);
      assert.ok(
        ancestors(publish, trace).some((x) => x.spanId === entry.spanId),
        "triage's publish hangs under its request",
      );
      const triageSidecar = trace.filter((x) => x.service === "triage-service" && !isApp(x));
      assert.ok(triageSidecar.length > 0, `spans of triage's sidecar:\n${names.join("\n")}`);
      // concepts: its sidecar's delivery, then the handler, whose ancestry reaches back to triage's request
      assert.ok(
        trace.some((x) => x.service === "concepts-service" && !isApp(x)),
        `spans of concepts' sidecar:\n${names.join("\n")}`,
      );
      const handler = concepts(trace)!;
      assert.equal(handler.attributes["app.event.outcome"], "SUCCESS");
      const lineage = ancestors(handler, trace);
      assert.ok(
        lineage.some((x) => x.spanId === entry.spanId),
        `concepts' handler continues triage's request:\n${lineage.map((x) => `${x.service} ${x.name}`).join("\n")}`,
      );
      assert.ok(
        lineage.some((x) => x.service === "concepts-service" && !isApp(x)),
        "…through concepts' sidecar",
      );
      // progress's handler in the same trace
      assert.equal(progress(trace)!.attributes["app.event.outcome"], "SUCCESS");

      // metrics: the outcome of each delivery, per topic
      const outcome = await waitFor("handler outcomes of concepts and progress", () => {
        const points = collector.points().filter((p) => p.metric === "app.events.handled" && p.attributes.outcome === "SUCCESS");
        const of = (service: string, topic: string) => points.find((p) => p.service === service && p.attributes["messaging.destination.name"] === topic);
        const found = [of("concepts-service", "learning.concept-request"), of("progress-service", "learning.query")];
        return found.every(Boolean) ? found : undefined;
      });
      for (const p of outcome) assert.ok(p!.value >= 1);
      const requests = collector.points().filter((p) => p.metric === "http.server.request.duration" && p.service === "triage-service");
      assert.ok(
        requests.some((p) => p.attributes["http.route"] === "/queries"),
        "triage's request metric by route",
      );
    });
  });

  it("without an endpoint (dapr run's default): the query is answered and nothing is exported, not even to the default port", async () => {
    await runCase("otel off in learnflow", 150_000, async (s) => {
      // on the OTLP default port when it is free: an exporter set up by mistake would send there
      const [redis, collector] = await Promise.all([s.redis(), startCollector({ port: 4318 })]);
      s.defer(() => collector.stop());
      const svc = await startPlatform(s, untraced, redis.host, null);
      await askConcept(svc["triage-service"].app.url);
      // the sidecars' and the apps' exporters would have flushed by now (5 s batches; the apps also on shutdown)
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      for (const name of SERVICES) await svc[name].app.stop();
      assert.deepEqual(collector.spans(), []);
      assert.deepEqual(collector.points(), []);
    });
  });
});
