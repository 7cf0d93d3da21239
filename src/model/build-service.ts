// Builds a ServiceModel from user options (the input of `fastdapr new` and of the library's
// newService, or one service of a manifest), validating every value and filling every default. Every
// rule of one service lives here, so the CLI, the MCP server, the library and a manifest obey the same.
import { FastdaprError, type ParamRef } from "../core/errors.js";
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
  agentBackend: "openai" as AgentBackend,
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

/** Where a problem with an option is: a manifest position, or the caller's parameter it came from. */
export type Place = { location: string } | { param: ParamRef };

/** The place of an option (by its key in ServiceOptions) and, for a list, of its index-th item. */
export type PlaceOf = (option: keyof ServiceOptions, index?: number) => Place;

/**
 * Without a manifest, a problem is about the option itself, keyed by its name in ServiceOptions: the
 * command layer renames the keys to its parameters' (src/app/new.ts), each interface spells those.
 */
export const optionPlace: PlaceOf = (option) => ({ param: { key: option } });

function fail(code: string, message: string, place: Place, hint?: string): never {
  throw new FastdaprError(code, message, { ...place, ...(hint ? { hint } : {}) });
}

/** Settings that only an agent has: naming one asks for an agent. */
function agentSettingsGiven(options: ServiceOptions): boolean {
  return options.agentBackend !== undefined || options.agentModel !== undefined || options.conversationComponent !== undefined;
}

function openPayload(topic: string, description: string): PayloadModel {
  return { className: pascalCase(topic), description, fields: [], open: true };
}

function topicRef(input: string | TopicInput): TopicRef {
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

function topics(inputs: (string | TopicInput)[] | undefined, option: "subscribes" | "publishes", where: PlaceOf): TopicRef[] {
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
function wholeNumber(value: number | undefined, fallback: number, min: number, option: "historyMaxMessages" | "historyMaxTokens" | "historyTtlSeconds", where: PlaceOf): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    fail("E_AGENT_SETTING", `${option} must be a whole number of at least ${min}, got ${value}`, where(option));
  }
  return value;
}

function agentModel(options: ServiceOptions, where: PlaceOf): AgentModel {
  const backend = options.agentBackend ?? DEFAULTS.agentBackend;
  if (!(AGENT_BACKENDS as readonly string[]).includes(backend)) {
    fail("E_AGENT_BACKEND", `unknown agent backend "${backend}": use one of ${AGENT_BACKENDS.join(", ")}`, where("agentBackend"));
  }
  const model = options.agentModel ?? DEFAULTS.agentModel;
  const modelProblem = checkAgentModel(model);
  if (modelProblem) fail("E_AGENT_SETTING", modelProblem, where("agentModel"));
  const conversationComponent = options.conversationComponent ?? DEFAULTS.conversationComponent;
  const problem = checkComponentName(conversationComponent);
  if (problem) fail("E_COMPONENT_NAME", problem, where("conversationComponent"));
  return {
    backend,
    model,
    conversationComponent,
    systemPrompt: givenText(options.systemPrompt) ?? `You are ${options.name}, a helpful assistant. Answer concisely and accurately.`,
    historyMaxMessages: wholeNumber(options.historyMaxMessages, DEFAULTS.historyMaxMessages, 1, "historyMaxMessages", where),
    // below ~100 estimated tokens not even a short system prompt and question fit
    historyMaxTokens: wholeNumber(options.historyMaxTokens, DEFAULTS.historyMaxTokens, 100, "historyMaxTokens", where),
    historyTtlSeconds: wholeNumber(options.historyTtlSeconds, DEFAULTS.historyTtlSeconds, 0, "historyTtlSeconds", where),
  };
}

export function buildServiceModel(options: ServiceOptions, where: PlaceOf = optionPlace): ServiceModel {
  const agentSettings = agentSettingsGiven(options);
  if (agentSettings && options.agent === false) {
    const place = where("agent");
    fail(
      "E_AGENT_FLAGS",
      "--no-agent contradicts --agent-backend, --agent-model and --conversation-component",
      "param" in place ? { param: { ...place.param, negated: true } } : place,
      "drop --no-agent, or the agent flags",
    );
  }
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
    ["pubsubName", components.pubsubName],
    ["stateStore", components.stateStore],
    ["daprConfig", components.daprConfig],
  ] as const) {
    const problem = checkComponentName(value);
    if (problem) fail("E_COMPONENT_NAME", problem, where(option));
  }

  const subscribes = topics(options.subscribes, "subscribes", where);
  const publishes = topics(options.publishes, "publishes", where);

  const keys = new Map<string, StateKey>();
  (options.stateKeys ?? []).forEach((pattern, index) => {
    const problem = checkStateKey(pattern);
    if (problem) fail("E_STATE_KEY", problem, where("stateKeys", index));
    let key = stateKey(pattern);
    // two patterns with the same head ("attempts:{user_id}" and "attempts:{user_id}:{exercise_id}")
    // get distinct helper names from their placeholders
    if ([...keys.values()].some((k) => k.functionName === key.functionName)) {
      key = { ...key, functionName: key.functionName.replace(/_key$/, `_by_${key.params.join("_and_") || "default"}_key`) };
    }
    if (keys.has(pattern)) fail("E_STATE_KEY", `state key "${pattern}" is listed twice`, where("stateKeys", index));
    keys.set(pattern, key);
  });

  const invokes: Invocation[] = [];
  (options.invokes ?? []).forEach((appId, index) => {
    const problem = checkServiceName(appId);
    if (problem) fail("E_INVOKE_TARGET", `invoke target ${problem}`, where("invokes", index));
    if (invokes.some((i) => i.appId === appId)) return;
    invokes.push({ appId, constant: constantCase(appId) });
  });

  // naming an agent setting asks for an agent, as the agent tier does
  const agentOn = options.agent ?? (tier === "agent" || agentSettings);
  const agent: AgentModel | null = agentOn ? agentModel(options, where) : null;

  const pythonVersion = options.pythonVersion ?? PYTHON_VERSION;
  if (!isPythonVersion(pythonVersion)) fail("E_PYTHON_VERSION", unsupportedPython(pythonVersion), where("pythonVersion"), pythonVersionHint(pythonVersion));

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
