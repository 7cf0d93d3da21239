// The manifest schema: the ONE source of truth for `fastdapr.yaml`. Validation (load.ts), the JSON
// Schema for editors (schemas/fastdapr.schema.json, via yaml-language-server) and agent tool inputs
// are all derived from the zod schema below; nothing else describes the manifest's shape.
import { z } from "zod";
import { AGENT_BACKENDS, TIERS } from "../model/service.js";
import { DEFAULTS } from "../model/build-service.js";
import { TIER_RESOURCES } from "../model/tiers.js";
import { DEBIAN_RELEASE, PYTHON_VERSION, PYTHON_VERSIONS } from "../versions.js";
import { STARTER_PRESETS } from "./presets/starter-presets.js";

export const API_VERSION = "fastdapr/v1";

// The patterns come from src/model/rules.ts, which buildServiceModel also runs on every service,
// so the editor schema and the generator cannot disagree.
import {
  AGENT_MODEL_FORM,
  AGENT_MODEL_PATTERN,
  DNS_LABEL_PATTERN,
  FREE_TEXT_PATTERN,
  MAX_AGENT_MODEL_LENGTH,
  MAX_APP_ID_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_DNS_LABEL_LENGTH,
  MAX_PROPERTY_NAME_LENGTH,
  MAX_STATE_KEY_LENGTH,
  MAX_SYSTEM_PROMPT_LENGTH,
  MAX_PORT,
  MAX_TOPIC_LENGTH,
  MIN_APP_PORT,
  PROPERTY_NAME_PATTERN,
  SERVICE_NAME_PATTERN,
  STATE_KEY_FORM,
  STATE_KEY_PATTERN,
  TOPIC_FORM,
  TOPIC_PATTERN,
  wellFormed,
} from "../model/rules.js";

export const serviceName = z
  .string()
  .regex(new RegExp(SERVICE_NAME_PATTERN), {
    error: 'a service name is a DNS label that starts with a letter: lowercase letters, digits and hyphens (e.g. "triage-service")',
  })
  .max(MAX_APP_ID_LENGTH, { error: `a service name has at most ${MAX_APP_ID_LENGTH} characters (Dapr adds "-dapr" to it for a ${MAX_DNS_LABEL_LENGTH}-character Service name)` });

/** A Python minor version the generated dependencies support ("3.13"), a string as YAML must quote it. */
export const pythonVersion = z.enum(PYTHON_VERSIONS);

export const dnsLabel = z
  .string()
  .regex(new RegExp(DNS_LABEL_PATTERN), {
    error: 'expected a DNS label: lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. "learnflow")',
  })
  .max(MAX_DNS_LABEL_LENGTH, { error: `a DNS label has at most ${MAX_DNS_LABEL_LENGTH} characters` });

export const topicName = z
  .string()
  .max(MAX_TOPIC_LENGTH, { error: `a topic has at most ${MAX_TOPIC_LENGTH} characters (it names files and Kafka topics)` })
  .regex(new RegExp(TOPIC_PATTERN), {
    error: `a topic is domain.action: ${TOPIC_FORM}`,
  });

export const stateKeyPattern = z
  .string()
  .max(MAX_STATE_KEY_LENGTH, { error: `a state-key pattern has at most ${MAX_STATE_KEY_LENGTH} characters` })
  .regex(new RegExp(STATE_KEY_PATTERN), {
    error: `a state-key pattern uses ${STATE_KEY_FORM}`,
  })
  .refine((s) => !s.includes("||"), { error: '"||" is Dapr\'s key-prefix separator; use ":" between parts' });

/**
 * Free text (descriptions, titles, the system prompt): up to `max` characters, line breaks and tabs
 * but no other control character, and well-formed Unicode. Anything else is allowed (quotes,
 * backslashes, braces, `"""`, `<%`, any script): src/render/literals.ts escapes it where it lands.
 */
function freeText(max: number) {
  return z
    .string()
    .max(max, { error: `at most ${max} characters` })
    .regex(new RegExp(FREE_TEXT_PATTERN), { error: "control characters other than line breaks and tabs are not allowed" })
    .refine(wellFormed, { error: "a lone surrogate (a \\ud800–\\udfff escape without its pair) is not text; write the character itself" });
}

/** A property of an event payload: a JSON key on one line, the name of a Python field. */
const propertyName = z
  .string()
  .min(1, { error: "a property name is not empty" })
  .max(MAX_PROPERTY_NAME_LENGTH, { error: `a property name has at most ${MAX_PROPERTY_NAME_LENGTH} characters` })
  .regex(new RegExp(PROPERTY_NAME_PATTERN), { error: "a property name is one line, without control characters" })
  .refine(wellFormed, { error: "a lone surrogate (a \\ud800–\\udfff escape without its pair) is not text; write the character itself" });

// ---------------------------------------------------------------------------------------------
// Event payloads: the subset of JSON Schema that maps cleanly onto pydantic v2 (see payload.ts).

export const PAYLOAD_TYPES = ["string", "integer", "number", "boolean", "array", "object", "null"] as const;
const payloadType = z.enum(PAYLOAD_TYPES);
const jsonValue = z.json();

/** One JSON Schema node of an event payload (a topic's `schema`, or one of its properties). */
export interface PayloadSchema {
  type?: (typeof PAYLOAD_TYPES)[number] | (typeof PAYLOAD_TYPES)[number][] | undefined;
  title?: string | undefined;
  description?: string | undefined;
  properties?: Record<string, PayloadSchema> | undefined;
  required?: string[] | undefined;
  items?: PayloadSchema | undefined;
  additionalProperties?: boolean | PayloadSchema | undefined;
  enum?: (string | number | boolean | null)[] | undefined;
  format?: string | undefined;
  default?: z.infer<typeof jsonValue> | undefined;
  examples?: z.infer<typeof jsonValue>[] | undefined;
}

export const PayloadSchemaSchema: z.ZodType<PayloadSchema> = z
  .strictObject({
    type: z
      .union([payloadType, z.array(payloadType).min(1)])
      .optional()
      .describe('JSON type of the value; a list such as ["string", "null"] makes it nullable.'),
    title: freeText(MAX_DESCRIPTION_LENGTH).optional().describe("Short title (documentation only)."),
    description: freeText(MAX_DESCRIPTION_LENGTH).optional().describe("What the value means; becomes the pydantic field description."),
    get properties() {
      return z.record(propertyName, PayloadSchemaSchema).optional().describe("Fields of an object, in order; each becomes a field of the generated pydantic model.");
    },
    required: z.array(z.string()).optional().describe("Names of the properties that must be present."),
    get items() {
      return PayloadSchemaSchema.optional().describe("Schema of the elements of an array.");
    },
    get additionalProperties() {
      return z.union([z.boolean(), PayloadSchemaSchema]).optional().describe("For a nested object: the schema of its values (mapped to dict[str, T]).");
    },
    enum: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .min(1)
      .optional()
      .describe("The allowed values; mapped to typing.Literal."),
    format: z.string().optional().describe('"date-time" → datetime, "date" → date, "time" → time, "uuid" → UUID; other formats stay str.'),
    default: jsonValue.optional().describe("Default value of an optional property."),
    examples: z.array(jsonValue).optional().describe("Example values (documentation only)."),
  })
  .describe("JSON Schema of an event payload (the subset that maps onto pydantic v2: no $ref, oneOf, allOf, anyOf).");

// ---------------------------------------------------------------------------------------------

export const TopicSchema = z
  .strictObject({
    description: freeText(MAX_DESCRIPTION_LENGTH).optional().describe("What the event means; becomes the payload model's docstring."),
    schema: PayloadSchemaSchema.optional().describe("JSON Schema of the payload (type: object). Without it the payload model accepts any JSON object."),
  })
  .describe("One pub/sub topic of the platform.");

export const AgentSchema = z
  .strictObject({
    backend: z.enum(AGENT_BACKENDS).default(DEFAULTS.agentBackend).describe("LLM client: the OpenAI API, or Dapr's Conversation API."),
    model: z
      .string()
      .max(MAX_AGENT_MODEL_LENGTH, { error: `a model name has at most ${MAX_AGENT_MODEL_LENGTH} characters` })
      .regex(new RegExp(AGENT_MODEL_PATTERN), { error: `a model name is ${AGENT_MODEL_FORM}` })
      .default(DEFAULTS.agentModel)
      .describe("LLM model name (openai: OPENAI_MODEL; dapr-conversation: the component's model)."),
    conversationComponent: dnsLabel.optional().describe(`Dapr conversation component the dapr-conversation backend calls (default "${DEFAULTS.conversationComponent}").`),
    historyMaxMessages: z.number().int().min(1).optional().describe(`Messages of history kept and sent, system prompt not counted (default ${DEFAULTS.historyMaxMessages}).`),
    historyMaxTokens: z
      .number()
      .int()
      .min(100)
      .optional()
      .describe(`Estimated tokens (about 4 characters each) of the prompt sent to the model (default ${DEFAULTS.historyMaxTokens}).`),
    historyTtlSeconds: z.number().int().min(0).optional().describe(`Idle conversations expire after this many seconds; 0 keeps them (default ${DEFAULTS.historyTtlSeconds}).`),
    systemPrompt: freeText(MAX_SYSTEM_PROMPT_LENGTH).min(1).optional().describe("Scaffolded system prompt (you own the prompt file afterwards)."),
  })
  .describe("LLM agent settings of a service.");

export const ServiceSchema = z
  .strictObject({
    description: freeText(MAX_DESCRIPTION_LENGTH).optional().describe("What the service does; goes into its README, its package summary and its app docstring."),
    tier: z
      .enum(TIERS)
      .default(DEFAULTS.tier)
      .describe(
        `Resource tier: ${TIERS.map((t) => `${t} (${TIER_RESOURCES[t].cpuRequest}/${TIER_RESOURCES[t].memoryRequest}${t === "agent" ? ", LLM agent on" : ""})`).join(", ")}.`,
      ),
    port: z
      .number()
      .int({ error: "a port is an integer" })
      .min(MIN_APP_PORT, { error: `ports below ${MIN_APP_PORT} need root; use ${MIN_APP_PORT}–${MAX_PORT}` })
      .max(MAX_PORT, { error: `a port is at most ${MAX_PORT}` })
      .describe("App port, unique within the platform (local runs put every service on one host)."),
    public: z
      .boolean()
      .default(false)
      .describe("An entry point from outside the cluster: its NetworkPolicy admits the ingress controller to the app port. Off, only its callers' sidecars reach it."),
    subscribes: z.array(topicName).default([]).describe("Topics this service consumes (each must be declared under topics)."),
    publishes: z.array(topicName).default([]).describe("Topics this service produces (each must be declared under topics)."),
    state: z.array(stateKeyPattern).default([]).describe('State-key patterns this service owns, e.g. "progress:{user_id}".'),
    invokes: z.array(serviceName).default([]).describe("App ids this service calls with Dapr service invocation."),
    agent: z.union([z.boolean(), AgentSchema]).optional().describe("LLM agent: true/false, or its settings. Defaults to on for the agent tier, off otherwise."),
  })
  .describe("One FastAPI + Dapr microservice; its key is its name and Dapr app id.");

const PubsubDefaults = z
  .strictObject({
    name: dnsLabel.default(DEFAULTS.pubsubName).describe("Dapr pub/sub component name."),
    dev: z.enum(["redis", "kafka"]).default("redis").describe("Broker for development: `dapr run -f .`, docker compose and the dev overlay (Redis Streams or Kafka)."),
    prod: z.enum(["kafka"]).default("kafka").describe("Broker of the prod overlay (Kafka with SASL/TLS, credentials from a Secret)."),
  })
  .describe("The platform's pub/sub component.");

const StateStoreDefaults = z
  .strictObject({
    name: dnsLabel.default(DEFAULTS.stateStore).describe("Dapr state store component name."),
    dev: z.enum(["redis", "postgresql"]).default("redis").describe("Store for development: `dapr run -f .`, docker compose and the dev overlay (PostgreSQL there from a Secret)."),
    prod: z
      .enum(["postgresql", "redis"])
      .default("postgresql")
      .describe("Store of the prod overlay: PostgreSQL (connection string from a Secret) or Redis (address and password from a Secret, TLS)."),
  })
  .describe("The platform's state store component.");

export const DefaultsSchema = z
  .strictObject({
    python: pythonVersion
      .default(PYTHON_VERSION)
      .describe(
        `Python version of every service (quote it: "${PYTHON_VERSION}"): the Dockerfile's base image (python:<version>-slim-${DEBIAN_RELEASE}), requires-python, ruff's target-version and mypy's python_version follow it. One of the versions every pinned dependency supports.`,
      ),
    imageRegistry: z
      .string()
      .max(255, { error: "an image registry path has at most 255 characters" })
      .regex(/^[a-z0-9]+([._\-/:][a-z0-9]+)*$/, { error: 'expected an image registry path such as "ghcr.io/example/learnflow"' })
      .default(DEFAULTS.imageRegistry)
      .describe("Registry prefix of the images: <imageRegistry>/<service>:<imageTag>."),
    imageTag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: 'expected an image tag such as "0.1.0"' })
      .default(DEFAULTS.imageTag)
      .describe('Tag of every image (quote numbers: "1.0").'),
    pubsub: PubsubDefaults.prefault({}),
    stateStore: StateStoreDefaults.prefault({}),
    daprConfig: dnsLabel.default(DEFAULTS.daprConfig).describe("Dapr Configuration resource the sidecars use."),
  })
  .describe("Settings shared by every service.");

// ---------------------------------------------------------------------------------------------
// Observability: where services and sidecars send OpenTelemetry data (src/render/observability.ts).

/** The environments a platform is rendered for, in the order the docs list them. */
export const OBSERVABILITY_ENVS = ["local", "compose", "dev", "prod"] as const;

/**
 * An OTLP/HTTP endpoint as both ends take it: the Python SDK's OTEL_EXPORTER_OTLP_ENDPOINT appends
 * /v1/traces and /v1/metrics to it, and daprd's `otel.endpointAddress` is a host:port, so a base
 * URL with a scheme, a host and a port but no path is what fits both.
 */
export const OTLP_ENDPOINT_PATTERN = "^(http|https)://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}/?$";
const otlpEndpoint = z
  .string()
  .max(255, { error: "an OTLP endpoint has at most 255 characters" })
  .regex(new RegExp(OTLP_ENDPOINT_PATTERN), {
    error: 'an OTLP endpoint is an OTLP/HTTP base URL with a port and no path (e.g. "http://otel-collector.observability:4318"), or false for none',
  })
  .refine((url) => Number(/:(\d+)\/?$/.exec(url)?.[1]) <= 65535, { error: "a port is at most 65535" });
const environmentEndpoint = z.union([otlpEndpoint, z.literal(false)]);

export const ObservabilitySchema = z
  .strictObject({
    samplingRate: z
      .number({ error: "samplingRate is a number from 0 to 1" })
      .min(0, { error: "samplingRate is at least 0 (0 turns tracing off)" })
      .max(1, { error: "samplingRate is at most 1 (every trace)" })
      .default(1)
      .describe("Fraction of traces kept, 0–1: the sidecars' samplingRate and the services' OTEL_TRACES_SAMPLER_ARG (parent-based, so a trace is kept or dropped whole)."),
    endpoints: z
      .strictObject({
        local: environmentEndpoint.optional().describe("OTLP/HTTP endpoint for `dapr run -f .` (default: none, nothing is exported)."),
        compose: environmentEndpoint
          .optional()
          .describe("OTLP/HTTP endpoint in docker compose (default: the compose file's own collector, http://otel-collector:4318; false: none)."),
        dev: environmentEndpoint.optional().describe("OTLP/HTTP endpoint of the dev overlay (default: the overlay's own collector, http://otel-collector:4318; false: none)."),
        prod: environmentEndpoint.optional().describe("OTLP/HTTP endpoint of the prod overlay, your collector (default: none, nothing is exported)."),
      })
      .prefault({})
      .describe("Where each environment sends traces and metrics (OTLP over HTTP, port 4318 by convention)."),
  })
  .describe("OpenTelemetry traces and metrics of the services and their sidecars (docs/observability.md).");

export const ManifestSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe(`Manifest format version; always "${API_VERSION}".`),
    name: dnsLabel.describe("Platform name (a DNS label); also the default Kubernetes namespace."),
    namespace: dnsLabel.optional().describe("Kubernetes namespace; defaults to the platform name."),
    description: freeText(MAX_DESCRIPTION_LENGTH).optional().describe("What the platform is for."),
    preset: z
      .enum(STARTER_PRESETS)
      .optional()
      .describe(
        "The preset this platform started from (fastdapr init --preset). Services named as in the preset get its starter code (handlers, routes, prompts, their tests) when those user-owned files are first written; other services get the generic stubs. Files already written are never touched.",
      ),
    defaults: DefaultsSchema.prefault({}),
    topics: z.record(topicName, TopicSchema).default({}).describe("Every pub/sub topic of the platform, keyed by domain.action name."),
    services: z.record(serviceName, ServiceSchema).default({}).describe("The services, keyed by name (also the Dapr app id), in the order they are generated."),
    observability: ObservabilitySchema.prefault({}),
  })
  .meta({ title: "fastdapr platform manifest (fastdapr.yaml)" })
  .describe("A platform of FastAPI + Dapr microservices, generated by fastdapr.");

/** The validated manifest, with every default filled in. */
export type Manifest = z.output<typeof ManifestSchema>;
export type ObservabilityEntry = z.output<typeof ObservabilitySchema>;

/** The JSON Schema (draft-07, which yaml-language-server understands) generated from the zod schema. */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ManifestSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
}

/** The exact text of schemas/fastdapr.schema.json. */
export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}

/** Repository path of the committed JSON Schema. */
export const SCHEMA_FILE = "schemas/fastdapr.schema.json";
/**
 * The copy of the schema every platform gets beside its manifest (generated, so it follows the
 * fastdapr version that generates): editors find it offline, also after `npx fastdapr init`, which
 * leaves no node_modules behind.
 */
export const PLATFORM_SCHEMA_FILE = "fastdapr.schema.json";
export const SCHEMA_REF = `./${PLATFORM_SCHEMA_FILE}`;
