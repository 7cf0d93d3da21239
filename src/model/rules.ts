// Validation of names and values that end up in Kubernetes, Dapr and Python: each returns an
// error message naming what would be accepted, or undefined when the value is fine.

// The patterns as strings too: the manifest's JSON Schema (src/manifest/schema.ts) shows them to editors.
/** Kubernetes Service names are RFC 1035 labels: a service name (the app id) starts with a letter. */
export const SERVICE_NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
export const DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
// Each part starts with a letter: a topic names a Python module (app/handlers/<domain>_<action>.py)
// and a payload class, and "1a.b" would make neither.
const TOPIC_PART = "[a-z][a-z0-9]*(?:-[a-z0-9]+)*";
export const TOPIC_PATTERN = `^${TOPIC_PART}\\.${TOPIC_PART}$`;
export const STATE_KEY_PATTERN = "^(?:[A-Za-z0-9_.:\\-]|\\{[a-z_][a-z0-9_]*\\})+$";

// What each pattern accepts, in words: the rules' messages below and the manifest schema's say it alike.
export const TOPIC_FORM = 'two lowercase parts joined by one dot, each starting with a letter, hyphens allowed inside each part (e.g. "learning.concept-request")';
export const STATE_KEY_FORM = 'letters, digits and _ . : - with {snake_case} placeholders (e.g. "progress:{user_id}")';
export const AGENT_MODEL_FORM = 'letters, digits and . _ : / @ + -, no spaces or line breaks (e.g. "gpt-4o-mini")';

const SERVICE_NAME = new RegExp(SERVICE_NAME_PATTERN);
const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);
const TOPIC = new RegExp(TOPIC_PATTERN);
const STATE_KEY = new RegExp(STATE_KEY_PATTERN);
// Limits of every name and free-text field, in one place: the manifest schema shows them to editors
// (maxLength, pattern) and the rules below apply them to flags. Names end up in file names, Python
// identifiers, Kafka topics and Kubernetes objects; free text in docstrings, READMEs and prompts.
/** A topic names files (app/handlers/<topic>.py) and Kafka topics (at most 249, with "-dlq" added). */
export const MAX_TOPIC_LENGTH = 100;
export const MAX_STATE_KEY_LENGTH = 128;
export const MAX_AGENT_MODEL_LENGTH = 128;
/** Model names as providers spell them: "gpt-4o-mini", "meta-llama/Llama-3.1-8B", "llama3.1:8b". */
export const AGENT_MODEL_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$";
/** Descriptions of the platform, a service, a topic or a payload field (and a payload title). */
export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_SYSTEM_PROMPT_LENGTH = 10_000;
/** Free text may span lines and hold tabs, but no other control character (C0, DEL or C1). */
export const FREE_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";
/** A payload property name is a JSON key that becomes a Python field (and its alias): one line. */
export const MAX_PROPERTY_NAME_LENGTH = 100;
export const PROPERTY_NAME_PATTERN = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$";

/**
 * Whether text is well-formed Unicode: a lone surrogate (which YAML's "\\ud800" escape can make)
 * has no UTF-8 form, so it could not be written to a file as given.
 */
export function wellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

const AGENT_MODEL = new RegExp(AGENT_MODEL_PATTERN);

/** Python's keywords: a placeholder becomes a parameter name of the key builder. */
const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);
/** Names the generated keys module uses itself. */
const KEY_MODULE_NAMES = new Set(["_part", "str"]);

/** Ports the Dapr sidecar binds inside the same pod (API, gRPC, internal, public, metrics). */
export const DAPR_POD_PORTS: readonly number[] = [3500, 3501, 50001, 50002, 9090];
/** An app port: the container runs as a non-root user, which cannot bind lower ports. */
export const MIN_APP_PORT = 1024;
export const MAX_PORT = 65535;

/** "a, b or c": a list of choices in a sentence. */
export function oneOf(words: readonly (string | number)[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
/** A DNS label (RFC 1123), as Kubernetes object names and Dapr component names are. */
export const MAX_DNS_LABEL_LENGTH = 63;
/** `<app-id>-dapr` is a Service name Dapr creates: it must fit a DNS label. */
export const MAX_APP_ID_LENGTH = MAX_DNS_LABEL_LENGTH - "-dapr".length;

export function checkServiceName(name: string): string | undefined {
  if (!SERVICE_NAME.test(name)) {
    return `"${name}" is not a DNS-1123 label that starts with a letter: use lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit, since it also names a Kubernetes Service (e.g. "triage-service")`;
  }
  if (name.length > MAX_APP_ID_LENGTH) {
    return `"${name}" is ${name.length} characters; at most ${MAX_APP_ID_LENGTH} fit, because Dapr names a Service "<app-id>-dapr" that must stay within ${MAX_DNS_LABEL_LENGTH}`;
  }
  return undefined;
}

/** Shows a long value by its start, so a message stays one readable line. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

export function checkTopic(topic: string): string | undefined {
  if (topic.length > MAX_TOPIC_LENGTH) {
    return `the topic ${shown(topic)} is ${topic.length} characters; at most ${MAX_TOPIC_LENGTH} fit (it names files and Kafka topics)`;
  }
  if (!TOPIC.test(topic)) {
    return `"${topic}" is not a domain.action topic: ${TOPIC_FORM}`;
  }
  return undefined;
}

export function checkAgentModel(model: string): string | undefined {
  if (model.trim() === "") return "the agent model name is empty";
  if (model.length > MAX_AGENT_MODEL_LENGTH) return `the agent model name ${shown(model)} is ${model.length} characters; at most ${MAX_AGENT_MODEL_LENGTH}`;
  if (!AGENT_MODEL.test(model)) {
    return `the agent model name ${JSON.stringify(model)} is not a model name: ${AGENT_MODEL_FORM}`;
  }
  return undefined;
}

export function checkStateKey(pattern: string): string | undefined {
  if (pattern.includes("||")) {
    return `"${pattern}" contains "||", which Dapr reserves as its key-prefix separator; use ":" between parts (e.g. "attempts:{user_id}:{exercise_id}")`;
  }
  if (pattern.length > MAX_STATE_KEY_LENGTH) return `the state key ${shown(pattern)} is ${pattern.length} characters; at most ${MAX_STATE_KEY_LENGTH}`;
  if (!STATE_KEY.test(pattern)) {
    return `"${pattern}" is not a state-key pattern: ${STATE_KEY_FORM}`;
  }
  const seen = new Set<string>();
  for (const [, name] of pattern.matchAll(/\{([a-z_][a-z0-9_]*)\}/g)) {
    if (PYTHON_KEYWORDS.has(name!) || KEY_MODULE_NAMES.has(name!)) {
      return `the placeholder {${name}} in "${pattern}" is a Python keyword or a name the key module uses; rename it (e.g. {${name}_id})`;
    }
    if (seen.has(name!)) return `the placeholder {${name}} appears twice in "${pattern}"; give each part its own name`;
    seen.add(name!);
  }
  return undefined;
}

export function checkPort(port: number): string | undefined {
  if (!Number.isInteger(port) || port < MIN_APP_PORT || port > MAX_PORT) {
    return `${port} is not a usable app port: use an integer from ${MIN_APP_PORT} to ${MAX_PORT} (the container runs as a non-root user, which cannot bind lower ports)`;
  }
  if (DAPR_POD_PORTS.includes(port)) {
    return `${port} is used by the Dapr sidecar in the same pod (${DAPR_POD_PORTS.join(", ")}); pick another, e.g. 8000`;
  }
  return undefined;
}

/** Dapr component names (pub/sub, state store, configuration) are Kubernetes object names. */
export function checkComponentName(name: string): string | undefined {
  if (!DNS_LABEL.test(name) || name.length > MAX_DNS_LABEL_LENGTH) {
    return `"${name}" is not a valid Dapr component name: lowercase letters, digits and hyphens, at most ${MAX_DNS_LABEL_LENGTH} characters (e.g. "pubsub")`;
  }
  return undefined;
}
