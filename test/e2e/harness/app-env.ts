// Variables a developer's shell may carry that must not reach the generated apps or daprd in a
// test: each test passes the ones its apps read as empty strings (then sets what it means to).

/** The sidecar's ports and tokens and the Dapr component names every generated app reads. */
export const APP_ENV = ["DAPR_HTTP_PORT", "DAPR_GRPC_PORT", "DAPR_API_TOKEN", "APP_API_TOKEN", "STATE_STORE", "PUBSUB_NAME"] as const;
/** What an agent's OpenAI backend reads. */
export const LLM_ENV = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"] as const;

/** Each name with an empty value, to spread into a process's environment. */
export function emptied(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((k) => [k, ""]));
}
