// Issue #6, end to end: generated agent services (rendered through the library, as `fastdapr new`
// does) run as uvicorn beside a real daprd with Redis state. The OpenAI backend talks to the fake
// OpenAI-compatible server (harness/fake-llm.ts), which records what the service sent; the Dapr
// Conversation API backend talks to daprd's real `conversation.echo` component.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServiceModel, type ServiceOptions } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { writeTreeTo } from "../support/write-tree.js";
import { APP_ENV, emptied, fetchT, json, LLM_ENV, reserveDaprPorts, runCase, stopAll, waitFor, writeResources, type AppProcess, type Daprd, type Scope } from "./harness/index.js";
import { startFakeLlm, type ChatRequestRecord, type FakeLlm } from "./harness/fake-llm.js";
import { componentNames, configFor, readYaml, resourcesFor, venvPath } from "./support/generated-services.js";

const OPENAI_AGENT: ServiceOptions = { name: "tutor-openai", tier: "agent", agentModel: "fake-model" };
const DAPR_AGENT: ServiceOptions = { name: "tutor-dapr", tier: "agent", agentBackend: "dapr-conversation", conversationComponent: "tutor-llm" };
const QUESTION = "tutor.question";
const EVENT_AGENT: ServiceOptions = { name: "tutor-events", tier: "agent", agentModel: "fake-model", subscribes: [QUESTION] };

/** the user's handler (a file fastdapr scaffolds once): one agent turn per event */
const EVENT_HANDLER = `"""tutor.question handler written by the e2e suite (a user's file)."""

from app.models.schemas import TutorQuestion
from app.services.pubsub import EventContext


async def handle(event: TutorQuestion, ctx: EventContext) -> None:
    question = event.model_dump()
    await ctx.agent.chat(str(question["session"]), str(question["text"]))
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "fastdapr-e2e-agents-"));
  for (const options of [OPENAI_AGENT, DAPR_AGENT, EVENT_AGENT]) writeTreeTo(renderServiceTree(buildServiceModel(options)), join(dir, options.name));
  writeFileSync(join(dir, EVENT_AGENT.name, "app/handlers/tutor_question.py"), EVENT_HANDLER);
});
after(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const CASE_MS = 150_000;
/** variables a developer's shell may carry that must not reach the apps or daprd */
const EMPTY = emptied([...APP_ENV, ...LLM_ENV, "CONVERSATION_COMPONENT"]);

interface Agent {
  app: AppProcess;
  dapr: Daprd;
  stateStore: string;
  pubsub: string;
  /** the generated pub/sub component, re-pointed at the case's Redis (Streams) */
  pubsubYaml: string;
  systemPrompt: string;
}

/** the service's generated Dapr files (state and pub/sub on the case's Redis) beside uvicorn and daprd */
async function startAgent(s: Scope, options: ServiceOptions, redisHost: string, appEnv: Record<string, string> = {}): Promise<Agent> {
  const serviceDir = join(dir, options.name);
  const files = resourcesFor(serviceDir, { kind: "redis", redisHost }, { kind: "redis", redisHost });
  if (options.agentBackend === "dapr-conversation") {
    const conversation = readYaml(join(serviceDir, "dapr/local/conversation.yaml"));
    assert.equal(conversation.spec.type, "conversation.echo", "local runs use the echo component");
    files["conversation.yaml"] = readFileSync(join(serviceDir, "dapr/local/conversation.yaml"), "utf8");
  }
  const ports = await reserveDaprPorts();
  const resources = writeResources(`${options.name}-res`, files);
  const cfg = writeResources(`${options.name}-cfg`, { "config.yaml": configFor(serviceDir) });
  const app = await s.app({
    cwd: serviceDir,
    python: join(venvPath(), "bin", "python"),
    env: { ...EMPTY, LOG_LEVEL: "INFO", DAPR_HTTP_PORT: String(ports.httpPort), ...appEnv },
  });
  const dapr = await s.daprd({ appId: options.name, appPort: app.port, resourcesPath: resources, configPath: join(cfg, "config.yaml"), ports, env: EMPTY });
  const systemPrompt = readFileSync(join(serviceDir, "app/agents/prompts/system.md"), "utf8").trim();
  const names = componentNames(serviceDir);
  return { app, dapr, stateStore: names.stateStore, pubsub: names.pubsub, pubsubYaml: files["pubsub.yaml"]!, systemPrompt };
}

async function chat(agent: Agent, sessionId: string, message: string): Promise<Response> {
  return fetchT(`${agent.app.url}/agent/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ session_id: sessionId, message }),
  });
}

async function replyOf(response: Response): Promise<string> {
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return (JSON.parse(text) as { reply: string }).reply;
}

/** the conversation as stored in the real state store, read through daprd */
async function storedHistory(agent: Agent, sessionId: string): Promise<{ role: string; content: string }[] | undefined> {
  const r = await fetchT(`${agent.dapr.url}/v1.0/state/${agent.stateStore}/${encodeURIComponent(`conversation:${sessionId}`)}`);
  if (r.status === 204) return undefined;
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { messages: { role: string; content: string }[] }).messages;
}

const roles = (messages: { role: string }[]) => messages.map((m) => m.role);

describe("generated agent services on real daprd + Redis", () => {
  it("OpenAI backend: two turns of one session, the second request carries the first turn", async () => {
    await runCase("agent two turns", CASE_MS, async (s) => {
      const redis = await s.redis();
      const llm = await startFakeLlm();
      s.defer(() => llm.stop());
      const agent = await startAgent(s, OPENAI_AGENT, redis.host, { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: "sk-e2e-secret", OPENAI_MAX_RETRIES: "0" });

      assert.equal(await replyOf(await chat(agent, "s1", "What is a list comprehension?")), "echo: What is a list comprehension?");
      assert.equal(await replyOf(await chat(agent, "s1", "Show me one.")), "echo: Show me one.");

      const [first, second] = (await llm.waitForRequests(2)) as [ChatRequestRecord, ChatRequestRecord];
      assert.equal(first.model, "fake-model");
      assert.equal(first.authorization, "Bearer sk-e2e-secret");
      assert.deepEqual(first.messages, [
        { role: "system", content: agent.systemPrompt },
        { role: "user", content: "What is a list comprehension?" },
      ]);
      assert.deepEqual(second.messages, [
        { role: "system", content: agent.systemPrompt },
        { role: "user", content: "What is a list comprehension?" },
        { role: "assistant", content: "echo: What is a list comprehension?" },
        { role: "user", content: "Show me one." },
      ]);
      assert.deepEqual(await storedHistory(agent, "s1"), second.messages.slice(1).concat({ role: "assistant", content: "echo: Show me one." }));
      assert.doesNotMatch(agent.app.logs(), /sk-e2e-secret/, "the key is never logged");

      // clear really deletes: the next turn starts a new conversation
      const cleared = await fetchT(`${agent.app.url}/agent/sessions/s1`, { method: "DELETE" });
      assert.equal(cleared.status, 204);
      assert.equal(await storedHistory(agent, "s1"), undefined);
      await replyOf(await chat(agent, "s1", "Fresh start"));
      assert.deepEqual(roles(llm.requests[2]!.messages), ["system", "user"]);
    });
  });

  it("OpenAI backend: two concurrent turns on one session both end up in the stored history", async () => {
    await runCase("agent concurrent turns", CASE_MS, async (s) => {
      const redis = await s.redis();
      // after a first turn, hold both concurrent answers until both questions have arrived: both
      // turns read the history (and its ETag) before either writes, so one write is stale
      let release!: () => void;
      const bothArrived = new Promise<void>((r) => (release = r));
      const llm = await startFakeLlm(async (req, index) => {
        if (index === 2) release();
        if (index > 0) await bothArrived;
        return { text: `answer to ${req.messages.at(-1)!.content}` };
      });
      s.defer(() => llm.stop());
      const agent = await startAgent(s, OPENAI_AGENT, redis.host, { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: "k", OPENAI_MAX_RETRIES: "0" });

      assert.equal(await replyOf(await chat(agent, "shared", "opening")), "answer to opening");
      const replies = await Promise.all([chat(agent, "shared", "first"), chat(agent, "shared", "second")].map(async (r) => replyOf(await r)));
      assert.deepEqual(replies.sort(), ["answer to first", "answer to second"]);
      // both prompts were built from the same history (the opening turn only): the turns overlapped
      for (const req of llm.requests.slice(1)) assert.deepEqual(roles(req.messages), ["system", "user", "assistant", "user"]);

      const stored = (await storedHistory(agent, "shared"))!;
      assert.equal(stored.length, 6, JSON.stringify(stored));
      assert.deepEqual(stored.slice(0, 2), [
        { role: "user", content: "opening" },
        { role: "assistant", content: "answer to opening" },
      ]);
      for (const q of ["first", "second"]) {
        const at = stored.findIndex((m) => m.role === "user" && m.content === q);
        assert.ok(at >= 0, `${q} is stored`);
        assert.deepEqual(stored[at + 1], { role: "assistant", content: `answer to ${q}` }, "each answer follows its question");
      }
    });
  });

  it("OpenAI backend: provider errors become 429 with Retry-After and 502, and store nothing", async () => {
    await runCase("agent provider errors", CASE_MS, async (s) => {
      const redis = await s.redis();
      const llm: FakeLlm = await startFakeLlm((_req, index) =>
        index === 0
          ? { status: 429, error: { message: "slow down, secret-account-42" }, retryAfter: "9" }
          : { status: 400, error: { message: "context too long, secret-account-42" } },
      );
      s.defer(() => llm.stop());
      const agent = await startAgent(s, OPENAI_AGENT, redis.host, { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: "k", OPENAI_MAX_RETRIES: "0" });

      const limited = await chat(agent, "e1", "hello");
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "9");
      const rejected = await chat(agent, "e1", "hello");
      assert.equal(rejected.status, 502);
      const body = await rejected.text();
      assert.doesNotMatch(body, /secret-account-42/, "the provider's words stay out of the answer");
      assert.equal(await storedHistory(agent, "e1"), undefined);
    });
  });

  it("Dapr Conversation API backend: two turns through the real conversation.echo component", async () => {
    await runCase("agent conversation api", CASE_MS, async (s) => {
      const redis = await s.redis();
      const agent = await startAgent(s, DAPR_AGENT, redis.host);

      // echo answers with the text of every message it was sent, joined with newlines
      const first = await replyOf(await chat(agent, "c1", "hello dapr"));
      assert.equal(first, `${agent.systemPrompt}\nhello dapr`);
      const second = await replyOf(await chat(agent, "c1", "and again"));
      assert.equal(second, [agent.systemPrompt, "hello dapr", first, "and again"].join("\n"), "the second call carried the first turn");

      assert.deepEqual(await storedHistory(agent, "c1"), [
        { role: "user", content: "hello dapr" },
        { role: "assistant", content: first },
        { role: "user", content: "and again" },
        { role: "assistant", content: second },
      ]);
    });
  });

  it("Dapr Conversation API backend: a component daprd does not have is a 502, not a crash", async () => {
    await runCase("agent conversation missing component", CASE_MS, async (s) => {
      const redis = await s.redis();
      const agent = await startAgent(s, DAPR_AGENT, redis.host, { CONVERSATION_COMPONENT: "not-loaded" });
      const r = await chat(agent, "m1", "hello");
      assert.equal(r.status, 502, await r.clone().text());
      assert.equal(((await r.json()) as { detail: string }).detail, "the language model provider failed");
      assert.match(agent.app.logs(), /ERR_CONVERSATION_NOT_FOUND/);
    });
  });

  it("event handlers: an LLM rate limit is redelivered (RETRY), a rejected request is dead-lettered (DROP)", async () => {
    await runCase("agent event handler errors", CASE_MS, async (s) => {
      const redis = await s.redis();
      const limitedOnce = new Set<string>();
      const llm = await startFakeLlm((req) => {
        const text = req.messages.at(-1)!.content;
        if (text === "too long") return { status: 400, error: { message: "context length exceeded" } };
        if (text === "busy" && !limitedOnce.has(text)) {
          limitedOnce.add(text);
          return { status: 429, error: { message: "rate limited" }, retryAfter: "1" };
        }
        return { text: `answer to ${text}` };
      });
      s.defer(() => llm.stop());
      const agent = await startAgent(s, EVENT_AGENT, redis.host, { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: "k", OPENAI_MAX_RETRIES: "0" });

      // a watcher on the dead-letter topic, with the same generated pub/sub component
      const dlqTopic = `${QUESTION}-dlq`;
      const dlqApp = await s.httpApp({
        "GET /dapr/subscribe": (_q, res) => json(res, 200, [{ pubsubname: agent.pubsub, topic: dlqTopic, route: "/dlq" }]),
        "POST /dlq": (_q, res) => json(res, 200, { status: "SUCCESS" }),
      });
      const dlqDapr = await s.daprd({ appId: "dlq-watcher", appPort: dlqApp.port, resourcesPath: writeResources("dlq-res", { "pubsub.yaml": agent.pubsubYaml }), env: EMPTY });
      for (const d of [agent.dapr, dlqDapr]) {
        await waitFor("subscriptions registered", async () => {
          const r = await fetchT(`${d.url}/v1.0/metadata`);
          return (((await r.json()) as { subscriptions?: unknown[] }).subscriptions ?? []).length > 0;
        });
      }

      const publish = async (body: object) => {
        const r = await fetchT(`${agent.dapr.url}/v1.0/publish/${agent.pubsub}/${QUESTION}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        assert.equal(r.status, 204, await r.text());
      };
      await publish({ session: "ev-busy", text: "busy" });
      await publish({ session: "ev-long", text: "too long" });

      // the rate-limited turn was answered RETRY, redelivered by the Resiliency policy, then stored
      const stored = await waitFor("the retried turn stored", () => storedHistory(agent, "ev-busy"), { timeoutMs: 60_000 });
      assert.deepEqual(stored, [
        { role: "user", content: "busy" },
        { role: "assistant", content: "answer to busy" },
      ]);
      assert.equal(llm.requests.filter((r) => r.messages.at(-1)!.content === "busy").length, 2, "one 429, one answer");

      // the rejected one went to the dead-letter topic after a single try, and stored nothing
      const dead = await dlqApp.waitForRequest((q) => q.path === "/dlq", 60_000);
      assert.deepEqual((JSON.parse(dead.body) as { data: unknown }).data, { session: "ev-long", text: "too long" });
      assert.equal(llm.requests.filter((r) => r.messages.at(-1)!.content === "too long").length, 1, "dropped, not retried");
      assert.equal(await storedHistory(agent, "ev-long"), undefined);
      assert.match(agent.app.logs(), /LLMRequestRejectedError/);
    });
  });
});
