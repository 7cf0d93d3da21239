// Edits of a parsed fastdapr.yaml (the `doc` of a LoadedManifest) that keep its comments and key
// order: each function changes the Document in place and returns the new text. They are idempotent
// (adding what is already there changes nothing) and validate their inputs before touching the
// document. Re-run parseManifest + buildPlatform on the result before writing it: the edits check
// names and references, not every platform rule.
import { isMap, isScalar, isSeq, YAMLMap, type YAMLSeq, type Document, type Node } from "yaml";
import { FastdaprError, type ParamRef } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { DEFAULTS } from "../model/build-service.js";
import { checkAgentModel, checkComponentName, checkPort, checkServiceName, checkStateKey, checkTopic } from "../model/rules.js";
import { AGENT_BACKENDS, TIERS, type AgentBackend, type Tier } from "../model/service.js";

/** Key order of a service entry; new keys are inserted at their place in it. */
const SERVICE_KEYS = ["description", "tier", "port", "public", "subscribes", "publishes", "state", "invokes", "agent"] as const;
/** Key order of the manifest's top level. */
const ROOT_KEYS = ["apiVersion", "name", "namespace", "description", "defaults", "topics", "services"] as const;

export interface AddServiceOptions {
  tier?: Tier;
  /** App port; the next free one after the highest in use (8001 for the first) when omitted. */
  port?: number;
  description?: string;
  subscribes?: string[];
  publishes?: string[];
  state?: string[];
  invokes?: string[];
  /** Add an `agent:` block (the agent tier implies an agent without one). */
  agent?: boolean;
  /** Mark it `public: true` (the ingress controller may reach it); never turns an existing flag off. */
  public?: boolean;
}

export interface PubsubChange {
  subscribe?: string[];
  publish?: string[];
}

export interface AgentOptions {
  backend?: AgentBackend;
  model?: string;
  /** Dapr conversation component of the dapr-conversation backend. */
  conversationComponent?: string;
}

/** The text of an edited document (no line folding, so long descriptions stay on one line). */
export function manifestText(doc: Document): string {
  return doc.toString({ lineWidth: 0 });
}

/**
 * Refuses an edit. `where` is a place in the manifest, or the parameter of the `add` command that
 * gave the value, by its key in the command's spec (src/app/spec.ts): each interface names it its
 * own way ("--key" on the command line, "key" in a tool call).
 */
function bad(code: string, message: string, where?: string | ParamRef, hint?: string): never {
  const place = typeof where === "string" ? { location: where } : where ? { param: where } : {};
  throw new FastdaprError(code, message, { ...place, ...(hint ? { hint } : {}) });
}

function root(doc: Document): YAMLMap {
  if (!isMap(doc.contents)) bad("E_MANIFEST_TYPE", "the manifest must be a mapping", "fastdapr.yaml");
  return doc.contents;
}

/** A pair's key as text (keys are Scalars when parsed, plain values when set by an edit). */
function keyOf(pair: { key: unknown }): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

function insertPair(doc: Document, map: YAMLMap, key: string, value: unknown, order: readonly string[]): void {
  const rank = order.indexOf(key);
  let at = map.items.length;
  if (rank >= 0) {
    // after the last existing key that comes before this one in `order`
    at = 0;
    map.items.forEach((pair, index) => {
      const r = order.indexOf(keyOf(pair));
      if (r >= 0 && r < rank) at = index + 1;
    });
  }
  map.items.splice(at, 0, doc.createPair(key, value));
}

/** The `topics:` or `services:` map, created (in block style) when `create` is set. */
function section(doc: Document, key: "topics" | "services", create: boolean): YAMLMap | undefined {
  const top = root(doc);
  const node = top.get(key, true) as Node | null | undefined;
  if (isMap(node)) {
    if (node.items.length === 0 && create) node.flow = false;
    return node;
  }
  if (!create) return undefined;
  const map = new YAMLMap();
  if (node === undefined) insertPair(doc, top, key, map, ROOT_KEYS);
  else top.set(key, map); // "topics:" with no value
  return map;
}

function serviceNames(doc: Document): string[] {
  const services = section(doc, "services", false);
  return services ? services.items.map(keyOf) : [];
}

function serviceEntry(doc: Document, name: string): YAMLMap {
  const entry = section(doc, "services", false)?.get(name, true);
  if (!isMap(entry)) {
    const names = serviceNames(doc);
    bad(
      "E_UNKNOWN_SERVICE",
      `no service "${name}" in the manifest`,
      { key: "service" },
      names.length ? `services: ${names.join(", ")}` : 'the manifest has no services yet; add one with "fastdapr add service NAME"',
    );
  }
  return entry;
}

function listValues(node: unknown): string[] {
  return isSeq(node) ? node.items.map((i) => (isScalar(i) ? String(i.value) : "")) : [];
}

/** Appends the missing `values` to the list `key` of `map` (created in flow style when absent). */
function addToList(doc: Document, map: YAMLMap, key: string, values: readonly string[]): void {
  const node = map.get(key, true);
  const present = new Set(listValues(node));
  const missing = [...new Set(values)].filter((v) => !present.has(v));
  if (missing.length === 0) return;
  if (isSeq(node)) {
    if (node.items.length === 0 && node.flow && missing.join(", ").length > 60) node.flow = false;
    for (const v of missing) node.add(doc.createNode(v));
    return;
  }
  const seq = doc.createNode(missing) as YAMLSeq;
  seq.flow = missing.join(", ").length <= 60;
  if (node === undefined) insertPair(doc, map, key, seq, SERVICE_KEYS);
  else map.set(key, seq); // "subscribes:" with no value
}

function checkTopics(topics: readonly string[], key: "subscribe" | "publish"): void {
  for (const t of topics) {
    const problem = checkTopic(t);
    if (problem) bad("E_TOPIC", problem, { key });
  }
}

/** Declares the topics that are not under `topics:` yet, without a schema (an open payload). */
function declareTopics(doc: Document, topics: readonly string[]): void {
  if (topics.length === 0) return;
  const map = section(doc, "topics", true)!;
  for (const t of topics) {
    if (map.has(t)) continue;
    const empty = new YAMLMap();
    empty.flow = true;
    map.set(t, empty);
  }
}

/**
 * Adds topics a service subscribes to and publishes, declaring the ones missing under `topics:`
 * (without a schema). Returns the new text.
 */
export function addPubsub(doc: Document, service: string, change: PubsubChange): string {
  const subscribe = change.subscribe ?? [];
  const publish = change.publish ?? [];
  checkTopics(subscribe, "subscribe");
  checkTopics(publish, "publish");
  const entry = serviceEntry(doc, service);
  declareTopics(doc, [...subscribe, ...publish]);
  addToList(doc, entry, "subscribes", subscribe);
  addToList(doc, entry, "publishes", publish);
  return manifestText(doc);
}

/** Adds a state-key pattern ("progress:{user_id}") to a service. Returns the new text. */
export function addState(doc: Document, service: string, pattern: string): string {
  const problem = checkStateKey(pattern);
  if (problem) bad("E_STATE_KEY", problem, { key: "key" });
  addToList(doc, serviceEntry(doc, service), "state", [pattern]);
  return manifestText(doc);
}

/** Lets a service invoke another service of the platform (by app id). Returns the new text. */
export function addInvoke(doc: Document, service: string, appId: string): string {
  const entry = serviceEntry(doc, service);
  const names = serviceNames(doc);
  if (!names.includes(appId)) {
    bad("E_INVOKE_TARGET", `"${appId}" is not a service of this platform`, { key: "target" }, `${didYouMean(appId, names)}invoke one of: ${names.join(", ")}`);
  }
  addToList(doc, entry, "invokes", [appId]);
  return manifestText(doc);
}

/**
 * Turns a service's LLM agent on: writes `agent: {backend, model}` unless the service already has
 * an agent (an `agent:` block, `agent: true`, or the agent tier). Settings given explicitly
 * (backend, model, conversation component) are written into an existing agent too, so
 * `add agent svc --backend dapr-conversation` switches an agent's backend. Returns the new text.
 */
export function addAgent(doc: Document, service: string, options: AgentOptions = {}): string {
  if (options.backend !== undefined && !(AGENT_BACKENDS as readonly string[]).includes(options.backend)) {
    bad("E_AGENT_BACKEND", `unknown agent backend "${options.backend}": use one of ${AGENT_BACKENDS.join(", ")}`, { key: "backend" });
  }
  if (options.model !== undefined) {
    const problem = checkAgentModel(options.model);
    if (problem) bad("E_AGENT_SETTING", problem, { key: "model" });
  }
  if (options.conversationComponent !== undefined) {
    const problem = checkComponentName(options.conversationComponent);
    if (problem) bad("E_COMPONENT_NAME", problem, { key: "conversationComponent" });
  }
  const explicit = {
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.conversationComponent !== undefined ? { conversationComponent: options.conversationComponent } : {}),
  };
  const entry = serviceEntry(doc, service);
  const current = entry.get("agent", true);
  if (isMap(current)) {
    for (const [key, value] of Object.entries(explicit)) current.set(key, value);
    return manifestText(doc);
  }
  const on = isScalar(current) && current.value === true;
  const impliedByTier = current === undefined && entry.get("tier") === "agent";
  if ((on || impliedByTier) && Object.keys(explicit).length === 0) return manifestText(doc);
  const block = doc.createNode({ backend: DEFAULTS.agentBackend, model: DEFAULTS.agentModel, ...explicit }) as YAMLMap;
  if (current === undefined) insertPair(doc, entry, "agent", block, SERVICE_KEYS);
  else entry.set("agent", block); // "agent: false", "agent: true" or "agent:"
  return manifestText(doc);
}

/**
 * Adds a service (at the end of `services:`), declaring the topics it uses. When the service exists,
 * its lists are extended instead, and a different tier or port is an error (edit those by hand).
 * Returns the new text.
 */
export function addService(doc: Document, name: string, options: AddServiceOptions = {}): string {
  const nameProblem = checkServiceName(name);
  if (nameProblem) bad("E_SERVICE_NAME", nameProblem, { key: "name" });
  if (options.tier !== undefined && !(TIERS as readonly string[]).includes(options.tier)) {
    bad("E_TIER", `unknown tier "${options.tier}": use one of ${TIERS.join(", ")}`, { key: "tier" });
  }
  const subscribes = options.subscribes ?? [];
  const publishes = options.publishes ?? [];
  checkTopics(subscribes, "subscribe");
  checkTopics(publishes, "publish");
  for (const pattern of options.state ?? []) {
    const problem = checkStateKey(pattern);
    if (problem) bad("E_STATE_KEY", problem, { key: "stateKey" });
  }
  const names = serviceNames(doc);
  for (const target of options.invokes ?? []) {
    if (!names.includes(target) && target !== name) {
      bad("E_INVOKE_TARGET", `"${target}" is not a service of this platform`, { key: "invoke" }, names.length ? `invoke one of: ${names.join(", ")}` : undefined);
    }
  }

  const services = section(doc, "services", true)!;
  const ports = new Map<number, string>();
  for (const pair of services.items) {
    const port = isMap(pair.value) ? pair.value.get("port") : undefined;
    if (typeof port === "number") ports.set(port, keyOf(pair));
  }

  const existing = services.get(name, true);
  if (isMap(existing)) {
    for (const [key, wanted] of [
      ["tier", options.tier],
      ["port", options.port],
    ] as const) {
      const have = existing.get(key);
      if (wanted !== undefined && have !== wanted) {
        bad(
          "E_SERVICE_EXISTS",
          `service "${name}" already exists with ${key} ${String(have ?? "(default)")}`,
          { key },
          `edit services.${name}.${key} in fastdapr.yaml to change it`,
        );
      }
    }
  } else {
    let port = options.port;
    if (port !== undefined) {
      const problem = checkPort(port);
      if (problem) bad("E_PORT", problem, { key: "port" });
      const owner = ports.get(port);
      if (owner) bad("E_DUPLICATE_PORT", `port ${port} is already used by ${owner}`, { key: "port" }, `pick a free port, e.g. ${Math.max(...ports.keys()) + 1}`);
    } else {
      port = ports.size ? Math.max(...ports.keys()) + 1 : 8001;
    }
    const entry = doc.createNode({
      ...(options.description !== undefined ? { description: options.description } : {}),
      tier: options.tier ?? DEFAULTS.tier,
      port,
      ...(options.public ? { public: true } : {}),
    });
    services.add(doc.createPair(name, entry));
  }
  const entry = serviceEntry(doc, name);
  declareTopics(doc, [...subscribes, ...publishes]);
  addToList(doc, entry, "subscribes", subscribes);
  addToList(doc, entry, "publishes", publishes);
  addToList(doc, entry, "state", options.state ?? []);
  addToList(doc, entry, "invokes", options.invokes ?? []);
  if (options.agent) addAgent(doc, name);
  if (options.public && entry.get("public") !== true) {
    if (entry.has("public")) entry.set("public", true);
    else insertPair(doc, entry, "public", true, SERVICE_KEYS);
  }
  return manifestText(doc);
}
