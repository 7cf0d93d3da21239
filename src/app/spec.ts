// The arguments and flags of every command, declared once. The CLI registers its commander commands
// from these specs (src/cli/register.ts), the MCP server derives its tool input schemas from them,
// and the command layer's input types are derived from them (input.ts), so a flag cannot exist in
// one interface and be missing (or spelt differently) in the other. Value formats come from the
// manifest's zod schema, the one description of what a topic or a service name is; they are named
// here and resolved in formats.ts, so that the CLI's start loads neither zod nor the schema (only
// the MCP server needs them). Neither interface owns this file: both import it, it imports neither.
import { MANIFEST_FILE } from "../manifest/find.js";
import { PRESET_NAMES } from "../manifest/presets/names.js";
import { DEFAULTS } from "../model/build-service.js";
import { AGENT_BACKENDS, TIERS } from "../model/service.js";
import type { ValueFormat } from "./formats.js";
import { PYTHON_VERSION, PYTHON_VERSIONS } from "../versions.js";

export type ParamKind = "string" | "integer" | "boolean";

export interface ParamSpec {
  /** The name in code: commander's attribute name for an option, the MCP argument name for both. */
  key: string;
  /** How the CLI spells it: "--state-key <pattern>", "--dry-run", "<service-name>", "[DIR]". */
  cli: string;
  description: string;
  kind: ParamKind;
  positional: boolean;
  required: boolean;
  /** A flag given once per value (`--subscribe a --subscribe b`); a list in a tool call. */
  repeatable: boolean;
  default?: string;
  choices?: readonly string[];
  /** The value's format (a pattern or range from the manifest schema, formats.ts), shown to tool callers. */
  format?: ValueFormat;
  /** A file or folder; the MCP server confines it to its working directory before running. */
  path: boolean;
  /** Also registers `--no-<flag>` (the value is then true, false or absent). */
  negatable: boolean;
  /** Without the flag the CLI searches for the file (its `default` is the MCP tools' value). */
  searched?: boolean;
}

export interface CommandSpec {
  /** Words after `fastdapr`: ["new"], ["add", "pubsub"]. */
  path: readonly string[];
  description: string;
  params: readonly ParamSpec[];
  /** Command lines `--help` shows under "Examples:". */
  examples: readonly string[];
  /** Prints text, never a JSON answer: no --json flag (given, it is an unknown option, E_USAGE). */
  textOnly?: boolean;
  /** The MCP tool that mirrors this command, when there is one; `fixed` flags are not tool inputs. */
  tool?: { name: string; description: string; fixed?: Record<string, string> };
}

type Extra = Partial<Omit<ParamSpec, "cli" | "description" | "positional">>;

/** "state-key" → "stateKey": commander's attribute name of a flag, and the input's key. */
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type FlagKey<C extends string> = C extends `--${infer Name} ${string}` ? Camel<Name> : C extends `--${infer Name}` ? Camel<Name> : string;
type Flag<B extends boolean | undefined> = B extends true ? true : false;

/** A parameter whose key, kind, choices and flags stay literal types, so that input.ts can derive the command's input from it. */
export type Param<K extends string, Kind extends ParamKind, E extends Extra> = Omit<ParamSpec, "key" | "kind" | "required" | "repeatable" | keyof E> &
  Omit<E, "kind" | "required" | "repeatable"> & { key: K; kind: Kind; required: boolean; repeatable: Flag<E["repeatable"]> } & (E extends { required: true }
    ? { required: true }
    : unknown);

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function positional<const C extends string, const K extends string, const E extends Extra = Record<never, never>>(
  cli: C,
  key: K,
  description: string,
  extra?: E,
): Param<K, "string", E> & (C extends `<${string}` ? { required: true } : unknown) {
  return {
    key,
    cli,
    description,
    kind: "string",
    positional: true,
    required: cli.startsWith("<"),
    repeatable: false,
    path: false,
    negatable: false,
    ...extra,
  } as never;
}

function option<const C extends string, const E extends Extra = Record<never, never>>(
  cli: C,
  description: string,
  extra?: E,
): Param<FlagKey<C>, E extends { kind: infer T extends ParamKind } ? T : C extends `${string}<${string}` | `${string}[${string}` ? "string" : "boolean", E> {
  const takesValue = /[<[]/.test(cli);
  return {
    key: camel(cli.replace(/^--/, "").split(" ")[0]!),
    cli,
    description,
    kind: takesValue ? "string" : "boolean",
    positional: false,
    required: false,
    repeatable: false,
    path: false,
    negatable: false,
    ...extra,
  } as never;
}

const list = <const C extends string, const F extends ValueFormat>(cli: C, description: string, format: F) => option(cli, description, { repeatable: true, format });

const subscribe = list("--subscribe <topic>", "topic to subscribe to (repeatable), domain.action", "topic");
const publish = list("--publish <topic>", "topic to publish to (repeatable), domain.action", "topic");
const stateKey = list("--state-key <pattern>", "state key pattern (repeatable), e.g. progress:{user_id}", "stateKey");
const invoke = list("--invoke <app-id>", "app id this service calls (repeatable)", "serviceName");
const tier = (description: string) => option("--tier <tier>", description, { choices: TIERS });
const port = (description: string) => option("--port <n>", description, { kind: "integer", format: "port" });
const dryRun = option("--dry-run", "print the plan with diffs, write nothing");
const force = option("--force", "overwrite generated files edited by hand");
// no commander default: without --manifest the commands look for fastdapr.yaml here and in the
// folders above; MCP tool calls pass this default instead (they stay inside the server's folder)
const manifest = option("--manifest <path>", `the platform manifest (default: ${MANIFEST_FILE} here or in the nearest folder above)`, {
  default: MANIFEST_FILE,
  path: true,
  searched: true,
});
const service = positional("<service>", "service", "the service to change (its name in fastdapr.yaml)", { format: "serviceName" });

export const NEW = {
  path: ["new"],
  description: "generate one FastAPI + Dapr service",
  examples: [
    "fastdapr new triage-service --subscribe learning.query --publish learning.routed",
    "fastdapr new tutor-service --tier agent --agent-backend dapr-conversation --state-key history:{user_id}",
    "fastdapr new triage-service --dry-run",
  ],
  params: [
    positional("<service-name>", "name", "DNS-1123 name; also the Dapr app id and the folder name", { format: "serviceName" }),
    option("--out <dir>", "parent folder of the service folder, inside the working directory", { default: ".", path: true }),
    tier("resource tier (agent turns the agent on)"),
    subscribe,
    publish,
    stateKey,
    invoke,
    option("--agent", "add an LLM agent (on by default for the agent tier; --no-agent turns it off)", { negatable: true }),
    option("--agent-backend <backend>", "LLM backend of the agent: the OpenAI API, or Dapr's Conversation API (no key in the service)", {
      choices: AGENT_BACKENDS,
    }),
    option("--agent-model <name>", `LLM model name (default ${DEFAULTS.agentModel})`),
    option("--conversation-component <name>", `Dapr conversation component of the dapr-conversation backend (default ${DEFAULTS.conversationComponent})`, {
      format: "dnsLabel",
    }),
    option("--pubsub <name>", "Dapr pub/sub component name", { default: DEFAULTS.pubsubName, format: "dnsLabel" }),
    option("--state-store <name>", "Dapr state store component name", { default: DEFAULTS.stateStore, format: "dnsLabel" }),
    port(`app port (default ${DEFAULTS.port})`),
    option("--python <version>", `Python version: base image, requires-python, ruff and mypy targets (${PYTHON_VERSIONS.join(", ")}; default ${PYTHON_VERSION})`, {
      format: "pythonVersion",
    }),
    option("--public", "an entry point: the ingress controller may reach its HTTP port"),
    option("--dry-run", "print what would be written, write nothing"),
    option("--force", "write into a folder fastdapr did not create, and overwrite edited generated files"),
  ],
  tool: {
    name: "new_service",
    description: `Generate one standalone FastAPI + Dapr service folder (<out>/<name>/) from flags; python picks its Python version (default ${PYTHON_VERSION}). For a service that is part of a platform (a fastdapr.yaml), use add_service instead.`,
  },
} satisfies CommandSpec;

export const INIT = {
  path: ["init"],
  description: "write fastdapr.yaml from a preset and generate the platform",
  examples: ["fastdapr init learnflow --preset learnflow", "fastdapr init shop"],
  params: [
    positional("[DIR]", "dir", "platform folder, inside the working directory", { default: ".", path: true }),
    option("--preset <name>", "starting manifest", { choices: PRESET_NAMES, default: "blank" }),
    dryRun,
    force,
  ],
  tool: {
    name: "init_platform",
    description: "Create a platform folder: write fastdapr.yaml from a preset (blank, or learnflow: 6 services) and generate every service in it.",
  },
} satisfies CommandSpec;

export const GENERATE = {
  path: ["generate"],
  description: "render the whole platform from fastdapr.yaml",
  examples: ["fastdapr generate", "fastdapr generate --check", "fastdapr generate --dry-run"],
  params: [manifest, option("--check", "write nothing; exit 1 when the files on disk differ from what the manifest produces"), dryRun, force],
  tool: {
    name: "generate",
    description: "Re-render the whole platform from fastdapr.yaml after it changed. check: report drift without writing; dryRun: count what would change without writing.",
  },
} satisfies CommandSpec;

export const ADD_SERVICE = {
  path: ["add", "service"],
  description: "add a service",
  examples: ["fastdapr add service notify-service --subscribe exercise.response --invoke progress-service"],
  params: [
    positional("<name>", "name", "service name (DNS-1123)", { format: "serviceName" }),
    tier("resource tier"),
    port("app port (default: the next free one)"),
    subscribe,
    publish,
    stateKey,
    invoke,
    option("--agent", "add an LLM agent"),
    option("--public", "an entry point: the ingress controller may reach its HTTP port"),
    manifest,
    dryRun,
    force,
  ],
  tool: { name: "add_service", description: "Add a service to fastdapr.yaml (comments kept) and regenerate the platform." },
} satisfies CommandSpec;

export const ADD_PUBSUB = {
  path: ["add", "pubsub"],
  description: "subscribe or publish a service to topics",
  examples: ["fastdapr add pubsub notify-service --subscribe exercise.response --publish notify.sent"],
  params: [service, subscribe, publish, manifest, dryRun, force],
  tool: {
    name: "add_pubsub",
    description: "Make a platform service subscribe or publish to topics (declared in fastdapr.yaml when new) and regenerate.",
  },
} satisfies CommandSpec;

export const ADD_STATE = {
  path: ["add", "state"],
  description: "add a state key pattern to a service",
  examples: ["fastdapr add state notify-service --key seen:{user_id}"],
  params: [service, option("--key <pattern>", "e.g. progress:{user_id}", { required: true, format: "stateKey" }), manifest, dryRun, force],
  tool: { name: "add_state", description: "Give a platform service a state key pattern (a typed key builder) and regenerate." },
} satisfies CommandSpec;

export const ADD_INVOKE = {
  path: ["add", "invoke"],
  description: "let a service call another by app id",
  examples: ["fastdapr add invoke notify-service --target progress-service"],
  params: [service, option("--target <app-id>", "the service to call", { required: true, format: "serviceName" }), manifest, dryRun, force],
  tool: { name: "add_invoke", description: "Let a platform service call another one by Dapr service invocation and regenerate." },
} satisfies CommandSpec;

export const ADD_AGENT = {
  path: ["add", "agent"],
  description: "add an LLM agent to a service",
  examples: ["fastdapr add agent notify-service --backend dapr-conversation --model gpt-4o-mini"],
  params: [
    service,
    option("--backend <backend>", "the OpenAI API, or Dapr's Conversation API", { choices: AGENT_BACKENDS }),
    option("--model <name>", `LLM model name (default ${DEFAULTS.agentModel})`),
    option("--conversation-component <name>", "Dapr conversation component of the dapr-conversation backend", { format: "dnsLabel" }),
    manifest,
    dryRun,
    force,
  ],
  tool: { name: "add_agent", description: "Add an LLM agent to a platform service and regenerate." },
} satisfies CommandSpec;

export const CHECK = {
  path: ["check"],
  description: "validate fastdapr.yaml and the platform graph (exit 1 on a graph error, 2 on an invalid manifest)",
  examples: ["fastdapr check", "fastdapr check --manifest platforms/shop/fastdapr.yaml --json"],
  params: [manifest],
  tool: { name: "check", description: "Validate fastdapr.yaml and the platform graph without writing; lists every problem and warning." },
} satisfies CommandSpec;

const GRAPH_FORMATS = ["mermaid", "json"] as const;

export const GRAPH = {
  path: ["graph"],
  description: "print the platform topology: services, topics and invocations",
  examples: ["fastdapr graph > topology.mmd", "fastdapr graph --format json"],
  params: [option("--format <format>", "mermaid flowchart or JSON", { choices: GRAPH_FORMATS, default: "mermaid" }), manifest],
  tool: {
    name: "describe_platform",
    description: "Describe the platform: services (tier, port, agent), topics with publishers and subscribers, and service calls, as compact JSON.",
    fixed: { format: "json" },
  },
} satisfies CommandSpec;

export const SKILL_INSTALL = {
  path: ["skill", "install"],
  description: "copy fastdapr's Agent Skill (SKILL.md) where coding agents look for skills",
  examples: ["fastdapr skill install", "fastdapr skill install .agents/skills"],
  params: [positional("[DIR]", "dir", "skills folder of the project", { default: ".claude/skills", path: true }), option("--force", "replace a copy that was edited by hand")],
} satisfies CommandSpec;

const COMPLETION_SHELLS = ["bash", "zsh"] as const;

export const COMPLETION = {
  path: ["completion"],
  description: "print a shell completion script (bash, or zsh through bashcompinit)",
  examples: ['fastdapr completion bash >> ~/.bashrc   # or: eval "$(fastdapr completion bash)"'],
  params: [positional("[shell]", "shell", "the shell", { default: "bash", choices: COMPLETION_SHELLS })],
  textOnly: true,
} satisfies CommandSpec;

/** Every command an agent can run, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [NEW, INIT, GENERATE, ADD_SERVICE, ADD_PUBSUB, ADD_STATE, ADD_INVOKE, ADD_AGENT, CHECK, GRAPH, SKILL_INSTALL, COMPLETION];

/** The parameter a key names in `spec` (an error location keyed by it, a tool argument). */
export function paramOf(spec: CommandSpec, key: string): ParamSpec | undefined {
  return spec.params.find((p) => p.key === key);
}
