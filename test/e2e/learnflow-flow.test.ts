// Issue #4, end to end: the LearnFlow platform as `fastdapr init --preset learnflow` writes it,
// all six services running as uvicorn beside their own real daprd, with the platform's own local
// Dapr files (dapr/local: Redis state, pub/sub, the per-service resiliency) pointed at a real Redis
// and, for pub/sub, Redis Streams (the preset's dev default) or, in the second case, a real Kafka
// (the same manifest with `defaults.pubsub.dev: kafka`), and an OpenAI-compatible fake
// (test/e2e/harness/fake-llm.ts) as the LLM.
// A learner's queries enter triage over HTTP; the test follows each through the topics to the
// answering service, the model, the answer back in the learner's session, progress's state, and,
// after three wrong exercise answers, the struggle alert that makes triage route gently.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  accessLog,
  fetchT,
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
import { startFakeLlm, type ChatRequestRecord, type FakeLlm } from "./harness/fake-llm.js";
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
const SCRUB = ["DAPR_HTTP_PORT", "DAPR_GRPC_PORT", "DAPR_API_TOKEN", "APP_API_TOKEN", "STATE_STORE", "PUBSUB_NAME", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"];
const EMPTY = Object.fromEntries(SCRUB.map((k) => [k, ""]));

const AGENTS = ["code-review-service", "debug-service", "exercise-service"] as const;
/** each agent gets its own model name, so the fake knows who asks and the test can tell them apart */
const modelOf = (service: string) => `fake-${service}`;

const REVIEW = {
  summary: "It works and reads well; give the function a name that says what it adds.",
  issues: ["`f` does not say what the function does."],
  score: 72,
  patterns: ["naming"],
};
const HINT = "Look at the line that uses x: where is x given a value before that line runs?";
const WRONG = { correct: false, score: 0.2, feedback: "Close: the loop never adds to the total." };

/** the fake model's answers: what each agent's prompt asks for */
function reply(req: ChatRequestRecord): { text: string } {
  if (req.model === modelOf("code-review-service")) return { text: JSON.stringify(REVIEW) };
  if (req.model === modelOf("debug-service")) return { text: HINT };
  if (req.model === modelOf("exercise-service")) return { text: `Here is my verdict: ${JSON.stringify(WRONG)}` };
  return { text: "unexpected model" };
}

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
    const agent = (AGENTS as readonly string[]).includes(svc)
      ? { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: "e2e-key", OPENAI_MODEL: modelOf(svc), OPENAI_MAX_RETRIES: "0" }
      : {};
    // uvicorn first: daprd reads /dapr/subscribe once, when the app port opens
    const app = await s.app({
      cwd: lf.dir(svc),
      python,
      env: { ...EMPTY, LOG_LEVEL: "INFO", DAPR_HTTP_PORT: String(ports[svc].httpPort), ...agent },
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

interface Answer {
  kind: string;
  text: string;
  detail: Record<string, unknown>;
}
interface Session {
  user_id: string;
  turns: { query: string; route: string }[];
  answers: Answer[];
  struggling: boolean;
}

const LEARNER = "learner-1";
const SESSION = "session-1";

/**
 * The tutoring flow on a running platform: routes, answers through the LLM, records progress, and
 * raises the struggle alert.
 */
async function tutoringFlow(s: Scope, lf: Learnflow, hosts: { redis: string; kafka?: string }): Promise<void> {
  const llm = await startFakeLlm(reply);
  s.defer(() => llm.stop());
  const svc = await startPlatform(s, lf, llm, hosts);
  const triage = svc["triage-service"].app.url;
  const names = components(lf.root);

  const ask = async (body: Record<string, string>) => {
    const r = await fetchT(`${triage}/queries`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_id: LEARNER, session_id: SESSION, ...body }),
      timeoutMs: 30_000,
    });
    assert.equal(r.status, 202, await r.clone().text());
    return (await r.json()) as { route: string; level: string; gentle: boolean };
  };
  const session = async () => (await (await fetchT(`${triage}/sessions/${SESSION}`)).json()) as Session;
  const answered = (kind: string, count: number) =>
    waitFor(`${count} "${kind}" answer(s) in the session`, async () => {
      const found = (await session()).answers.filter((a) => a.kind === kind);
      return found.length >= count ? found : undefined;
    });
  const state = async (d: Daprd, key: string) => {
    const r = await fetchT(`${d.url}/v1.0/state/${names.stateStore}/${encodeURIComponent(key)}`);
    if (r.status === 204) return undefined;
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as Record<string, unknown>;
  };
  const llmCalls = (service: string) => llm.requests.filter((q) => q.model === modelOf(service));

  // 1. a concept question: triage → learning.concept-request → concepts → response → session
  let routed = await ask({ query: "What is a for loop?" });
  assert.deepEqual([routed.route, routed.level, routed.gentle], ["concepts", "beginner", false]);
  const [concept] = await answered("concept", 1);
  assert.match(concept!.text, /A loop runs the same block of code several times/);
  assert.equal(concept!.detail.concept, "loops");
  assert.equal(concept!.detail.mastery, 0.25);
  // triage read the level from progress-service through both sidecars (service invocation)
  assert.ok(
    accessLog(svc["progress-service"].app).some((l) => l === `GET /progress/${LEARNER} 200`),
    `progress-service was asked for the level:\n${svc["progress-service"].app.logs().slice(-3000)}`,
  );

  // 2. code to review: → code-review-service → the LLM with its system prompt → feedback
  const code = "def f(a, b):\n    return a + b";
  routed = await ask({ query: "Can you review my code?", code });
  assert.equal(routed.route, "code-review");
  const [review] = await answered("review", 1);
  assert.equal(review!.text, REVIEW.summary);
  assert.deepEqual(review!.detail.issues, REVIEW.issues);
  assert.equal(review!.detail.score, REVIEW.score);
  const [reviewCall] = llmCalls("code-review-service");
  assert.deepEqual(reviewCall!.messages[0], { role: "system", content: lf.systemPrompt("code-review-service") });
  assert.match(reviewCall!.messages.at(-1)!.content, /def f\(a, b\):\n {4}return a \+ b/);
  assert.equal(reviewCall!.authorization, "Bearer e2e-key");

  // 3. an error: → debug-service → the LLM → a hint numbered 1
  routed = await ask({ query: "Why does this fail?", code: "print(x)", error: "NameError: name 'x' is not defined" });
  assert.equal(routed.route, "debug");
  const [hint] = await answered("hint", 1);
  assert.equal(hint!.text, HINT);
  assert.equal(hint!.detail.attempt, 1);
  const [debugCall] = llmCalls("debug-service");
  assert.deepEqual(debugCall!.messages[0], { role: "system", content: lf.systemPrompt("debug-service") });
  assert.match(debugCall!.messages.at(-1)!.content, /hint number 1[\s\S]*print\(x\)[\s\S]*NameError: name 'x' is not defined/);

  // 4. three wrong answers to an exercise: each graded by the LLM; the third raises the alert
  const answer = "def total(numbers):\n    result = 0\n    for n in numbers:\n        result = n\n    return result";
  for (let attempt = 1; attempt <= 3; attempt++) {
    routed = await ask({ query: "Here is my answer", exercise_id: "sum-list", answer });
    assert.equal(routed.route, "exercise");
    const grades = await answered("grade", attempt);
    assert.equal(grades[attempt - 1]!.detail.attempts, attempt);
    assert.equal(grades[attempt - 1]!.detail.correct, false);
  }
  const gradeCalls = llmCalls("exercise-service");
  assert.equal(gradeCalls.length, 3);
  assert.deepEqual(gradeCalls[0]!.messages[0], { role: "system", content: lf.systemPrompt("exercise-service") });
  assert.match(gradeCalls[0]!.messages.at(-1)!.content, /Sum of a list[\s\S]*result = n/);

  const [alert] = await answered("struggle", 1);
  assert.deepEqual(alert!.detail, {
    user_id: LEARNER,
    session_id: SESSION,
    reason: "repeated-failures",
    failed_attempts: 3,
    exercise_id: "sum-list",
  });
  assert.equal((await session()).struggling, true);

  // progress kept it all in the state store (read through its own sidecar: keys are per app id)
  const progress = await waitFor("progress counted all six queries and three grades", async () => {
    const p = await state(svc["progress-service"].dapr, `progress:${LEARNER}`);
    return p && p.queries === 6 && p.exercises_attempted === 3 ? p : undefined;
  });
  assert.deepEqual(progress.routes, { concepts: 1, "code-review": 1, debug: 1, exercise: 3 });
  assert.equal(progress.consecutive_failures, 3);
  assert.equal(progress.exercises_passed, 0);
  assert.equal(progress.reviews, 1);
  assert.equal(progress.hints, 1);
  assert.deepEqual(progress.concepts, { loops: 0.25 });
  assert.deepEqual(progress.pending_alerts, [], "the alert was published, then forgotten");
  const streak = await state(svc["progress-service"].dapr, `streak:${LEARNER}`);
  assert.equal(streak?.current, 1);
  assert.equal(streak?.last_day, new Date().toISOString().slice(0, 10));
  const summary = (await (await fetchT(`${svc["progress-service"].app.url}/progress/${LEARNER}`)).json()) as Record<string, unknown>;
  assert.equal(summary.level, "beginner");
  assert.equal(summary.average_review_score, 72);

  // 5. the struggling learner's next question is routed gently: beginner level
  routed = await ask({ query: "How do lists work?" });
  assert.deepEqual([routed.route, routed.level, routed.gentle], ["concepts", "beginner", true]);
  const concepts = await answered("concept", 2);
  assert.equal(concepts[1]!.detail.concept, "lists");

  // each agent was asked exactly as often as it had work: no redelivered event reached the model again
  assert.deepEqual(
    AGENTS.map((a) => llmCalls(a).length),
    [1, 1, 3],
  );
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
