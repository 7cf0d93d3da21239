// A local OpenAI-compatible chat-completions server for end-to-end tests: generated agent
// services point OPENAI_BASE_URL at it, and the test reads back exactly what the service sent
// (to assert that a second turn carried the first turn's context) and scripts the answers
// (text, delays, provider errors) per request.
import type { ServerResponse } from "node:http";
import { json, startHttpApp, type HttpApp } from "./index.js";

export interface ChatMessageRecord {
  role: string;
  content: string;
}

export interface ChatRequestRecord {
  model: string;
  messages: ChatMessageRecord[];
  /** the Authorization header the client sent */
  authorization: string | undefined;
}

/** What the fake answers to one request: a reply text, or a provider error. */
export type FakeReply = { text: string; delayMs?: number } | { status: number; error: { message: string; type?: string; code?: string }; retryAfter?: string; delayMs?: number };

/** May wait (return a promise), e.g. to hold every answer until several requests have arrived. */
export type Responder = (req: ChatRequestRecord, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeLlm {
  /** base URL for OPENAI_BASE_URL (ends in /v1) */
  baseUrl: string;
  /** every chat-completions request received, parsed, in arrival order */
  requests: ChatRequestRecord[];
  /** replace the responder (default: echoes the last user message as "echo: <text>") */
  respondWith(responder: Responder): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<ChatRequestRecord[]>;
  stop(): Promise<void>;
}

const echo: Responder = (req) => {
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  return { text: `echo: ${lastUser?.content ?? ""}` };
};

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  // the SDK may send content parts: [{type: "text", text: "..."}]
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? "").join("");
  return "";
}

function completion(model: string, text: string): object {
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** on 127.0.0.1, or on `host` (the gateway of a network the test created, so containers reach it) */
export async function startFakeLlm(initial: Responder = echo, host?: string): Promise<FakeLlm> {
  let responder = initial;
  const requests: ChatRequestRecord[] = [];
  const answer = (rec: { headers: Record<string, unknown>; body: string }, res: ServerResponse) => {
    const body = JSON.parse(rec.body) as { model?: string; messages?: { role: string; content: unknown }[] };
    const record: ChatRequestRecord = {
      model: body.model ?? "",
      messages: (body.messages ?? []).map((m) => ({ role: m.role, content: contentText(m.content) })),
      authorization: rec.headers["authorization"] as string | undefined,
    };
    const index = requests.push(record) - 1;
    const send = (reply: FakeReply) => {
      if ("text" in reply) return json(res, 200, completion(record.model, reply.text));
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (reply.retryAfter !== undefined) headers["retry-after"] = reply.retryAfter;
      res.writeHead(reply.status, headers).end(JSON.stringify({ error: { type: "fake_error", code: null, param: null, ...reply.error } }));
    };
    void Promise.resolve(responder(record, index)).then((reply) => {
      if (reply.delayMs) setTimeout(() => send(reply), reply.delayMs);
      else send(reply);
    });
  };
  const app: HttpApp = await startHttpApp({ "POST /v1/chat/completions": answer }, host);
  return {
    baseUrl: `${app.url}/v1`,
    requests,
    respondWith(r) {
      responder = r;
    },
    async waitForRequests(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`fake LLM got ${requests.length} of ${count} expected requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return requests.slice(0, count);
    },
    stop: () => app.stop(),
  };
}
