// The typed model of one service: everything a renderer needs, with every default filled in.
// Renderers read this and nothing else; the CLI and the manifest loader both build it.

import type { PythonVersion } from "../versions.js";

export const TIERS = ["lightweight", "standard", "agent"] as const;
export type Tier = (typeof TIERS)[number];

export interface ResourceSpec {
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
}

/** A field of an event payload model, already mapped to a Python type expression. */
export interface PayloadField {
  name: string; // python identifier
  alias: string | null; // JSON name when it differs from `name`
  pyType: string; // e.g. "str", "int | None", "list[str]"
  required: boolean;
  description: string | null;
  defaultRepr: string | null; // python literal for optional fields, e.g. "None"
  /** A Python literal of a valid JSON value for the field, e.g. `"example"`, `1`, `"2024-01-31"`. */
  example: string;
}

/** The pydantic model of one topic's payload. */
export interface PayloadModel {
  className: string; // PascalCase, e.g. "LearningQuery"
  description: string;
  fields: PayloadField[];
  /** True when the topic has no schema: the model accepts any JSON object. */
  open: boolean;
}

export interface TopicRef {
  name: string; // "learning.query"
  description: string;
  payload: PayloadModel;
  /** Python module name for the topic, e.g. "learning_query". */
  module: string;
  /** The HTTP route Dapr delivers to, e.g. "/events/learning.query". */
  route: string;
  /** Per-subscription dead-letter topic, e.g. "learning.query-dlq". */
  deadLetterTopic: string;
}

export interface StateKey {
  pattern: string; // "attempts:{user_id}:{exercise_id}"
  /** Python function name that builds the key, e.g. "attempts_key". */
  functionName: string;
  params: string[]; // ["user_id", "exercise_id"]
}

export interface Invocation {
  appId: string;
  /** Python constant name, e.g. "PROGRESS_SERVICE". */
  constant: string;
}

export const AGENT_BACKENDS = ["openai", "dapr-conversation"] as const;
export type AgentBackend = (typeof AGENT_BACKENDS)[number];

export interface AgentModel {
  backend: AgentBackend;
  model: string; // default LLM model name
  conversationComponent: string; // Dapr conversation component name (dapr-conversation backend)
  /** Scaffolded system prompt text. */
  systemPrompt: string;
  /** Stored and sent history: at most this many messages (the system prompt not counted). */
  historyMaxMessages: number;
  /** Estimated tokens (about 4 characters each) of the prompt sent to the model. */
  historyMaxTokens: number;
  /** Idle conversations expire after this many seconds; 0 keeps them until cleared. */
  historyTtlSeconds: number;
}

export interface ServiceModel {
  name: string; // DNS-1123 label, also the folder name
  appId: string;
  description: string;
  port: number;
  /** Reachable from outside the platform: the ingress controller may call its HTTP port. */
  public: boolean;
  tier: Tier;
  resources: ResourceSpec;
  sidecarResources: ResourceSpec;
  pubsubName: string;
  stateStore: string;
  daprConfig: string;
  subscribes: TopicRef[];
  publishes: TopicRef[];
  stateKeys: StateKey[];
  invokes: Invocation[];
  agent: AgentModel | null;
  /** "3.13": the Dockerfile base, requires-python, ruff and mypy targets follow it */
  pythonVersion: PythonVersion;
  image: string; // "fastdapr/triage-service:0.1.0"
  namespace: string | null;
  /** The platform this service is part of (its manifest's name); null for a standalone service. */
  platform: string | null;
}
