// Validation of names and values that end up in Kubernetes, Dapr and Python: each returns an
// error message naming what would be accepted, or undefined when the value is fine.

// The patterns as strings too: the manifest's JSON Schema (src/manifest/schema.ts) shows them to editors.
/** Kubernetes Service names are RFC 1035 labels: a service name (the app id) starts with a letter. */
export const SERVICE_NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
export const DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const TOPIC_PART = "[a-z0-9]+(?:-[a-z0-9]+)*";
export const TOPIC_PATTERN = `^${TOPIC_PART}\\.${TOPIC_PART}$`;
export const STATE_KEY_PATTERN = "^(?:[A-Za-z0-9_.:\\-]|\\{[a-z_][a-z0-9_]*\\})+$";

const SERVICE_NAME = new RegExp(SERVICE_NAME_PATTERN);
const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);
const TOPIC = new RegExp(TOPIC_PATTERN);
const STATE_KEY = new RegExp(STATE_KEY_PATTERN);
/** Ports the Dapr sidecar binds inside the same pod (API, gRPC, internal, public, metrics). */
const DAPR_POD_PORTS = new Set([3500, 3501, 50001, 50002, 9090]);
/** `<app-id>-dapr` is a Service name Dapr creates: it must fit a 63-character DNS label. */
export const MAX_APP_ID_LENGTH = 63 - "-dapr".length;

export function checkServiceName(name: string): string | undefined {
  if (!SERVICE_NAME.test(name)) {
    return `"${name}" is not a DNS-1123 label that starts with a letter: use lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit, since it also names a Kubernetes Service (e.g. "triage-service")`;
  }
  if (name.length > MAX_APP_ID_LENGTH) {
    return `"${name}" is ${name.length} characters; at most ${MAX_APP_ID_LENGTH} fit, because Dapr names a Service "<app-id>-dapr" that must stay within 63`;
  }
  return undefined;
}

export function checkTopic(topic: string): string | undefined {
  if (!TOPIC.test(topic)) {
    return `"${topic}" is not a domain.action topic: two lowercase parts joined by one dot, hyphens allowed inside each part (e.g. "learning.concept-request")`;
  }
  return undefined;
}

export function checkStateKey(pattern: string): string | undefined {
  if (pattern.includes("||")) {
    return `"${pattern}" contains "||", which Dapr reserves as its key-prefix separator; use ":" between parts (e.g. "attempts:{user_id}:{exercise_id}")`;
  }
  if (!STATE_KEY.test(pattern)) {
    return `"${pattern}" is not a state-key pattern: letters, digits and _ . : - with {snake_case} placeholders (e.g. "progress:{user_id}")`;
  }
  return undefined;
}

export function checkPort(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    return `${port} is not a usable app port: use an integer from 1024 to 65535 (the container runs as a non-root user, which cannot bind lower ports)`;
  }
  if (DAPR_POD_PORTS.has(port)) {
    return `${port} is used by the Dapr sidecar in the same pod (3500, 3501, 50001, 50002, 9090); pick another, e.g. 8000`;
  }
  return undefined;
}

/** Dapr component names (pub/sub, state store, configuration) are Kubernetes object names. */
export function checkComponentName(name: string): string | undefined {
  if (!DNS_LABEL.test(name) || name.length > 63) {
    return `"${name}" is not a valid Dapr component name: lowercase letters, digits and hyphens, at most 63 characters (e.g. "kafka-pubsub")`;
  }
  return undefined;
}
