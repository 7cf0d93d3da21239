// Builds a ServiceModel from user options (flags of `fastdapr new`, or one service of a manifest),
// validating every value and filling every default.
import { FastdaprError } from "../core/errors.js";
import { constantCase, givenText, pascalCase, snakeCase } from "./names.js";
import { checkAgentModel, checkComponentName, checkPort, checkServiceName, checkStateKey, checkTopic } from "./rules.js";
import type { AgentBackend, AgentModel, Invocation, PayloadModel, ServiceModel, StateKey, Tier, TopicRef } from "./service.js";
import { AGENT_BACKENDS, TIERS } from "./service.js";
import { SIDECAR_RESOURCES, TIER_RESOURCES } from "./tiers.js";
import { isPythonVersion, PYTHON_VERSION } from "../versions.js";
import { pythonVersionHint, unsupportedPython } from "./python-version.js";

export const DEFAULTS = {
  port: 8000,
  tier: "standard" as Tier,
  pubsubName: "pubsub",
  stateStore: "state-store",
  daprConfig: "appconfig",
  agentModel: "gpt-4o-mini",
  conversationComponent: "llm",
  historyMaxMessages: 20,
  historyMaxTokens: 8000,
  historyTtlSeconds: 86400,
  imageRegistry: "fastdapr",
  imageTag: "0.1.0",
};

export interface TopicInput {
  name: string;
  description?: string;
  /** Payload model from the topic's JSON Schema; an open model when absent. */
  payload?: PayloadModel;
}

export interface ServiceOptions {
  name: string;
  description?: string;
  tier?: string;
  port?: number;
  public?: boolean;
  subscribes?: (string | TopicInput)[];
  publishes?: (string | TopicInput)[];
  stateKeys?: string[];
  invokes?: string[];
  agent?: boolean;
  agentBackend?: AgentBackend;
  agentModel?: string;
  /** Dapr conversation component name (dapr-conversation backend). */
  conversationComponent?: string;
  historyMaxMessages?: number;
  historyMaxTokens?: number;
  historyTtlSeconds?: number;
  systemPrompt?: string;
  pubsubName?: string;
  stateStore?: string;
  daprConfig?: string;
  imageRegistry?: string;
  imageTag?: string;
  namespace?: string | null;
  platform?: string | null;
  /** Python version of the service ("3.13"); one of PYTHON_VERSIONS (src/versions.ts). */
  pythonVersion?: string;
}

/** Where each option came from, so errors can point at a flag or a manifest line. */
export type LocationOf = (option: string, index?: number) => string;

const flagLocation: LocationOf = (option) => (option === "name" ? "<service-name>" : `--${option}`);

function fail(code: string, message: string, location: string, hint?: string): never {
  throw new FastdaprError(code, message, { location, ...(hint ? { hint } : {}) });
}

export function openPayload(topic: string, description: string): PayloadModel {
  return { className: pascalCase(topic), description, fields: [], open: true };
}

export function topicRef(input: string | TopicInput): TopicRef {
  const t = typeof input === "string" ? { name: input } : input;
  const description = givenText(t.description) ?? `Payload of the ${t.name} event.`;
  return {
    name: t.name,
    description,
    payload: t.payload ?? openPayload(t.name, description),
    module: snakeCase(t.name),
    route: `/events/${t.name}`,
    deadLetterTopic: `${t.name}-dlq`,
  };
}

function topics(inputs: (string | TopicInput)[] | undefined, option: string, where: LocationOf): TopicRef[] {
  const seen = new Set<string>();
  return (inputs ?? []).map((input, index) => {
    const name = typeof input === "string" ? input : input.name;
    const problem = checkTopic(name);
    if (problem) fail("E_TOPIC", problem, where(option, index));
    if (seen.has(name)) fail("E_TOPIC", `topic "${name}" is listed twice`, where(option, index), "list each topic once");
    seen.add(name);
    return topicRef(input);
  });
}

export function stateKey(pattern: string): StateKey {
  const params = [...pattern.matchAll(/\{([a-z_][a-z0-9_]*)\}/g)].map((m) => m[1]!);
  const head = snakeCase(pattern.split(/[:{]/)[0]!) || "state";
  // "2fa:{user_id}" → key_2fa_key: a Python name cannot start with a digit
  return { pattern, functionName: `${/^[0-9]/.test(head) ? "key_" : ""}${head}_key`, params };
}

/** A whole number within [min, max], or the default; fails at the option's location otherwise. */
function wholeNumber(value: number | undefined, fallback: number, min: number, option: string, where: LocationOf): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    fail("E_AGENT_SETTING", `${option} must be a whole number of at least ${min}, got ${value}`, where(option));
  }
  return value;
}

function agentModel(options: ServiceOptions, where: LocationOf): AgentModel {
  const backend = options.agentBackend ?? "openai";
  if (!(AGENT_BACKENDS as readonly string[]).includes(backend)) {
    fail("E_AGENT_BACKEND", `unknown agent backend "${backend}": use one of ${AGENT_BACKENDS.join(", ")}`, where("agent-backend"));
  }
  const model = options.agentModel ?? DEFAULTS.agentModel;
  const modelProblem = checkAgentModel(model);
  if (modelProblem) fail("E_AGENT_SETTING", modelProblem, where("agent-model"));
  const conversationComponent = options.conversationComponent ?? DEFAULTS.conversationComponent;
  const problem = checkComponentName(conversationComponent);
  if (problem) fail("E_COMPONENT_NAME", problem, where("conversation-component"));
  return {
    backend,
    model,
    conversationComponent,
    systemPrompt: givenText(options.systemPrompt) ?? `You are ${options.name}, a helpful assistant. Answer concisely and accurately.`,
    historyMaxMessages: wholeNumber(options.historyMaxMessages, DEFAULTS.historyMaxMessages, 1, "history-max-messages", where),
    // below ~100 estimated tokens not even a short system prompt and question fit
    historyMaxTokens: wholeNumber(options.historyMaxTokens, DEFAULTS.historyMaxTokens, 100, "history-max-tokens", where),
    historyTtlSeconds: wholeNumber(options.historyTtlSeconds, DEFAULTS.historyTtlSeconds, 0, "history-ttl-seconds", where),
  };
}

export function buildServiceModel(options: ServiceOptions, where: LocationOf = flagLocation): ServiceModel {
  const nameProblem = checkServiceName(options.name);
  if (nameProblem) fail("E_SERVICE_NAME", nameProblem, where("name"));

  const tierValue = options.tier ?? DEFAULTS.tier;
  if (!(TIERS as readonly string[]).includes(tierValue)) {
    fail("E_TIER", `unknown tier "${tierValue}": use one of ${TIERS.join(", ")}`, where("tier"));
  }
  const tier = tierValue as Tier;

  const port = options.port ?? DEFAULTS.port;
  const portProblem = checkPort(port);
  if (portProblem) fail("E_PORT", portProblem, where("port"));

  const components = {
    pubsubName: options.pubsubName ?? DEFAULTS.pubsubName,
    stateStore: options.stateStore ?? DEFAULTS.stateStore,
    daprConfig: options.daprConfig ?? DEFAULTS.daprConfig,
  };
  for (const [option, value] of [
    ["pubsub", components.pubsubName],
    ["state-store", components.stateStore],
    ["config", components.daprConfig],
  ] as const) {
    const problem = checkComponentName(value);
    if (problem) fail("E_COMPONENT_NAME", problem, where(option));
  }

  const subscribes = topics(options.subscribes, "subscribe", where);
  const publishes = topics(options.publishes, "publish", where);

  const keys = new Map<string, StateKey>();
  (options.stateKeys ?? []).forEach((pattern, index) => {
    const problem = checkStateKey(pattern);
    if (problem) fail("E_STATE_KEY", problem, where("state-key", index));
    let key = stateKey(pattern);
    // two patterns with the same head ("attempts:{user_id}" and "attempts:{user_id}:{exercise_id}")
    // get distinct helper names from their placeholders
    if ([...keys.values()].some((k) => k.functionName === key.functionName)) {
      key = { ...key, functionName: key.functionName.replace(/_key$/, `_by_${key.params.join("_and_") || "default"}_key`) };
    }
    if (keys.has(pattern)) fail("E_STATE_KEY", `state key "${pattern}" is listed twice`, where("state-key", index));
    keys.set(pattern, key);
  });

  const invokes: Invocation[] = [];
  (options.invokes ?? []).forEach((appId, index) => {
    const problem = checkServiceName(appId);
    if (problem) fail("E_INVOKE_TARGET", `invoke target ${problem}`, where("invoke", index));
    if (invokes.some((i) => i.appId === appId)) return;
    invokes.push({ appId, constant: constantCase(appId) });
  });

  const agentOn = options.agent ?? tier === "agent";
  const agent: AgentModel | null = agentOn ? agentModel(options, where) : null;

  const pythonVersion = options.pythonVersion ?? PYTHON_VERSION;
  if (!isPythonVersion(pythonVersion)) fail("E_PYTHON_VERSION", unsupportedPython(pythonVersion), where("python"), pythonVersionHint(pythonVersion));

  const registry = options.imageRegistry ?? DEFAULTS.imageRegistry;
  return {
    name: options.name,
    appId: options.name,
    description: givenText(options.description) ?? `The ${options.name} Dapr microservice.`,
    port,
    public: options.public ?? false,
    tier,
    resources: TIER_RESOURCES[tier],
    sidecarResources: SIDECAR_RESOURCES,
    ...components,
    subscribes,
    publishes,
    stateKeys: [...keys.values()],
    invokes,
    agent,
    pythonVersion,
    image: `${registry}/${options.name}:${options.imageTag ?? DEFAULTS.imageTag}`,
    namespace: options.namespace ?? null,
    platform: options.platform ?? null,
  };
}
