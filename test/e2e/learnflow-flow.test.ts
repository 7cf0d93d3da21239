// Issue #4, end to end: the LearnFlow platform as `fastdapr init --preset learnflow` writes it,
// all six services running as uvicorn beside their own real daprd, with the platform's own local
// Dapr files (dapr/local: Redis state, pub/sub, the per-service resiliency) pointed at a real Redis
// and, for pub/sub, Redis Streams (the preset's dev default) or, in the second case, a real Kafka
// (the same manifest with `defaults.pubsub.dev: kafka`), and an OpenAI-compatible fake
// (test/e2e/harness/fake-llm.ts) as the LLM.
// A learner's queries enter triage over HTTP (support/learnflow-journey.ts follows each through the
// platform; the shipping tests run the same journey on containers and on docker compose).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  accessLog,
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
import { startFakeLlm, type FakeLlm } from "./harness/fake-llm.js";
import { agentEnv, agentReply, learnerJourney } from "./support/learnflow-journey.js";
import { venvPath } from "./support/generated-services.js";
import { components, initLearnflow, localConfig, localResources, SERVICES, type Learnflow, type ServiceName } from "./support/learnflow.js";

let onRedis: Learnflow;
let onKafka: Learnflow;
before(async () => {
  onRedis = await initLearnflow();
  onKafka = await initLearnflow({ devPubsub: "kafka" });
});
after(async () => {
  await stopAll();
  onRedis?.cleanup();
  onKafka?.cleanup();
});

/** variables a developer's shell may carry that must not reach the apps or daprd */
const EMPTY = emptied([...APP_ENV, ...LLM_ENV]);

interface Running {
  app: AppProcess;
  dapr: Daprd;
}

async function startPlatform(s: Scope, lf: Learnflow, llm: FakeLlm, hosts: { redis: string; kafka?: string }): Promise<Record<ServiceName, Running>> {
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (svc) => [svc, await reserveDaprPorts()] as const))) as Record<ServiceName, DaprPorts>;
  const resources = writeResources("learnflow-res", localResources(lf.root, hosts));
  const config = writeResources("learnflow-cfg", {
    "config.yaml": localConfig(lf.root, Object.fromEntries(SERVICES.map((svc) => [svc, ports[svc].internalGrpcPort]))),
  });
  const python = join(venvPath(), "bin", "python");
  const start = async (svc: ServiceName): Promise<[ServiceName, Running]> => {
    // uvicorn first: daprd reads /dapr/subscribe once, when the app port opens
    const app = await s.app({
      cwd: lf.dir(svc),
      python,
      env: { ...EMPTY, LOG_LEVEL: "INFO", DAPR_HTTP_PORT: String(ports[svc].httpPort), ...agentEnv(svc, llm.baseUrl) },
    });
    const dapr = await s.daprd({ appId: svc, appPort: app.port, resourcesPath: resources, configPath: join(config, "config.yaml"), ports: ports[svc], env: EMPTY });
    return [svc, { app, dapr }];
  };
  const running = Object.fromEntries(await Promise.all(SERVICES.map(start))) as Record<ServiceName, Running>;
  // healthy with the app channel up: every subscription is registered before the first query
  for (const svc of SERVICES) {
    await waitFor(`${svc} sidecar healthy`, async () => (await fetchT(`${running[svc].dapr.url}/v1.0/healthz`)).status === 204);
  }
  return running;
}

async function tutoringFlow(s: Scope, lf: Learnflow, hosts: { redis: string; kafka?: string }): Promise<void> {
  const llm = await startFakeLlm(agentReply);
  s.defer(() => llm.stop());
  const svc = await startPlatform(s, lf, llm, hosts);
  await learnerJourney({
    triage: svc["triage-service"].app.url,
    progress: svc["progress-service"].app.url,
    progressSidecar: svc["progress-service"].dapr.url,
    modelRequests: llm.requests,
    stateStore: components(lf.root).stateStore,
    systemPrompt: (agent) => lf.systemPrompt(agent),
    progressAccessLog: async () => accessLog(svc["progress-service"].app),
  });
}

describe("LearnFlow on real Dapr: a learner's queries through all six services", () => {
  it("over Redis Streams, the preset's local pub/sub: routed, answered through the LLM, counted, struggle alert raised", async () => {
    assert.equal(components(onRedis.root).pubsubType, "pubsub.redis");
    await runCase("learnflow flow on Redis Streams", 90_000, async (s) => {
      const redis = await s.redis();
      await tutoringFlow(s, onRedis, { redis: redis.host });
    });
  });

  it("over Kafka (defaults.pubsub.dev: kafka): the same flow", async () => {
    assert.equal(components(onKafka.root).pubsubType, "pubsub.kafka");
    await runCase("learnflow flow on Kafka", 120_000, async (s) => {
      const [redis, kafka] = await Promise.all([s.redis(), s.kafka()]);
      await tutoringFlow(s, onKafka, { redis: redis.host, kafka: kafka.brokers });
    });
  });
});
