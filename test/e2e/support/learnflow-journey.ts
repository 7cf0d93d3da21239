// A learner's journey through a running LearnFlow platform, whatever runs it: the bare runtime
// (learnflow-flow.test.ts), containers built from the generated Dockerfiles (ship-images.test.ts),
// or the generated compose file (ship-compose.test.ts). Queries enter triage over HTTP; the journey
// follows each through the topics to the answering service, the model, the answer back in the
// learner's session, progress's state, and, after three wrong exercise answers, the struggle alert
// that makes triage route gently.
import assert from "node:assert/strict";
import type { ChatRequestRecord, FakeReply } from "../harness/fake-llm.js";
import { fetchT, waitFor } from "../harness/index.js";
import type { ServiceName } from "./learnflow.js";

export const AGENTS = ["code-review-service", "debug-service", "exercise-service"] as const;
export type Agent = (typeof AGENTS)[number];

/** each agent gets its own API key, so the fake model knows who asks whatever model name it is given */
export const apiKeyOf = (agent: string) => `e2e-key-${agent}`;

/** the agent whose key a model request carries */
export function agentOf(req: ChatRequestRecord): Agent | undefined {
  return AGENTS.find((a) => req.authorization === `Bearer ${apiKeyOf(a)}`);
}

/** the variables that point an agent service at the fake model */
export function agentEnv(service: ServiceName, llmBaseUrl: string): Record<string, string> {
  return (AGENTS as readonly string[]).includes(service) ? { OPENAI_BASE_URL: llmBaseUrl, OPENAI_API_KEY: apiKeyOf(service), OPENAI_MAX_RETRIES: "0" } : {};
}

const REVIEW = {
  summary: "It works and reads well; give the function a name that says what it adds.",
  issues: ["`f` does not say what the function does."],
  score: 72,
  patterns: ["naming"],
};
const HINT = "Look at the line that uses x: where is x given a value before that line runs?";
const WRONG = { correct: false, score: 0.2, feedback: "Close: the loop never adds to the total." };

/** the fake model's answers: what each agent's prompt asks for */
export function agentReply(req: ChatRequestRecord): FakeReply {
  switch (agentOf(req)) {
    case "code-review-service":
      return { text: JSON.stringify(REVIEW) };
    case "debug-service":
      return { text: HINT };
    case "exercise-service":
      return { text: `Here is my verdict: ${JSON.stringify(WRONG)}` };
    default:
      return { text: "unexpected caller" };
  }
}

/** a running platform, as the journey reaches it */
export interface JourneyTarget {
  /** triage-service's base URL */
  triage: string;
  /** progress-service's base URL */
  progress: string;
  /** progress-service's sidecar HTTP API (state is kept per app id, so read through its own sidecar) */
  progressSidecar: string;
  /** every request the fake model received (started with agentReply) */
  modelRequests: ChatRequestRecord[];
  /** the platform's state store component name */
  stateStore: string;
  /** the scaffolded system prompt of an agent service */
  systemPrompt(agent: Agent): string;
  /**
   * progress-service's access log lines, where the runtime keeps them: proof that triage asked
   * progress for the learner's level through both sidecars (service invocation)
   */
  progressAccessLog?: () => Promise<string[]>;
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
 * The tutoring journey on a running platform: routes, answers through the LLM, records progress,
 * and raises the struggle alert.
 */
export async function learnerJourney(t: JourneyTarget): Promise<void> {
  const ask = async (body: Record<string, string>) => {
    const r = await fetchT(`${t.triage}/queries`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_id: LEARNER, session_id: SESSION, ...body }),
      timeoutMs: 30_000,
    });
    assert.equal(r.status, 202, await r.clone().text());
    return (await r.json()) as { route: string; level: string; gentle: boolean };
  };
  const session = async () => (await (await fetchT(`${t.triage}/sessions/${SESSION}`)).json()) as Session;
  const answered = (kind: string, count: number) =>
    waitFor(`${count} "${kind}" answer(s) in the session`, async () => {
      const found = (await session()).answers.filter((a) => a.kind === kind);
      return found.length >= count ? found : undefined;
    });
  const state = async (key: string) => {
    const r = await fetchT(`${t.progressSidecar}/v1.0/state/${t.stateStore}/${encodeURIComponent(key)}`);
    if (r.status === 204) return undefined;
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as Record<string, unknown>;
  };
  const llmCalls = (agent: Agent) => t.modelRequests.filter((q) => agentOf(q) === agent);

  // 1. a concept question: triage → learning.concept-request → concepts → response → session
  let routed = await ask({ query: "What is a for loop?" });
  assert.deepEqual([routed.route, routed.level, routed.gentle], ["concepts", "beginner", false]);
  const [concept] = await answered("concept", 1);
  assert.match(concept!.text, /A loop runs the same block of code several times/);
  assert.equal(concept!.detail.concept, "loops");
  assert.equal(concept!.detail.mastery, 0.25);
  if (t.progressAccessLog) {
    const lines = await t.progressAccessLog();
    assert.ok(
      lines.some((l) => l === `GET /progress/${LEARNER} 200`),
      `progress-service was asked for the level:\n${lines.slice(-20).join("\n")}`,
    );
  }

  // 2. code to review: → code-review-service → the LLM with its system prompt → feedback
  const code = "def f(a, b):\n    return a + b";
  routed = await ask({ query: "Can you review my code?", code });
  assert.equal(routed.route, "code-review");
  const [review] = await answered("review", 1);
  assert.equal(review!.text, REVIEW.summary);
  assert.deepEqual(review!.detail.issues, REVIEW.issues);
  assert.equal(review!.detail.score, REVIEW.score);
  const [reviewCall] = llmCalls("code-review-service");
  assert.deepEqual(reviewCall!.messages[0], { role: "system", content: t.systemPrompt("code-review-service") });
  assert.match(reviewCall!.messages.at(-1)!.content, /def f\(a, b\):\n {4}return a \+ b/);

  // 3. an error: → debug-service → the LLM → a hint numbered 1
  routed = await ask({ query: "Why does this fail?", code: "print(x)", error: "NameError: name 'x' is not defined" });
  assert.equal(routed.route, "debug");
  const [hint] = await answered("hint", 1);
  assert.equal(hint!.text, HINT);
  assert.equal(hint!.detail.attempt, 1);
  const [debugCall] = llmCalls("debug-service");
  assert.deepEqual(debugCall!.messages[0], { role: "system", content: t.systemPrompt("debug-service") });
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
  assert.deepEqual(gradeCalls[0]!.messages[0], { role: "system", content: t.systemPrompt("exercise-service") });
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

  // progress kept it all in the state store
  const progress = await waitFor("progress counted all six queries and three grades", async () => {
    const p = await state(`progress:${LEARNER}`);
    return p && p.queries === 6 && p.exercises_attempted === 3 ? p : undefined;
  });
  assert.deepEqual(progress.routes, { concepts: 1, "code-review": 1, debug: 1, exercise: 3 });
  assert.equal(progress.consecutive_failures, 3);
  assert.equal(progress.exercises_passed, 0);
  assert.equal(progress.reviews, 1);
  assert.equal(progress.hints, 1);
  assert.deepEqual(progress.concepts, { loops: 0.25 });
  assert.deepEqual(progress.pending_alerts, [], "the alert was published, then forgotten");
  const streak = await state(`streak:${LEARNER}`);
  assert.equal(streak?.current, 1);
  assert.equal(streak?.last_day, new Date().toISOString().slice(0, 10));
  const summary = (await (await fetchT(`${t.progress}/progress/${LEARNER}`)).json()) as Record<string, unknown>;
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
