// Every error code fastdapr reports, with what it means and the fix to suggest when the place that
// raised it had no more specific hint. The JSON contract (schemas/cli-output.schema.json) lists
// exactly these codes, so an agent can branch on them; a test fails when the source raises one
// that is not here. Lists and limits in the hints come from the constants the rules use.
import { PRESET_NAMES } from "../manifest/presets/names.js";
import { MANIFEST_NOT_FOUND_HINT, MAX_MANIFEST_BYTES } from "../manifest/read.js";
import { DAPR_POD_PORTS, MAX_APP_ID_LENGTH, MAX_PORT, MIN_APP_PORT, oneOf } from "../model/rules.js";
import { AGENT_BACKENDS, TIERS } from "../model/service.js";

export interface ErrorCodeInfo {
  meaning: string;
  hint: string;
}

export const ERROR_CODES = {
  E_USAGE: { meaning: "unknown flag or command, missing or invalid argument", hint: "run the command with --help for the accepted flags" },
  E_SERVICE_NAME: {
    meaning: `a service name is not a DNS label starting with a letter (at most ${MAX_APP_ID_LENGTH} characters)`,
    hint: 'use lowercase letters, digits and hyphens, starting with a letter, e.g. "triage-service"',
  },
  E_TOPIC: { meaning: "a topic is not domain.action, or is listed twice", hint: 'name topics domain.action, e.g. "learning.query", each once' },
  E_TIER: { meaning: "an unknown resource tier", hint: `use ${oneOf(TIERS)}` },
  E_STATE_KEY: { meaning: "a state key pattern is malformed or listed twice", hint: 'use letters, digits, _ . : - and {snake_case} placeholders, e.g. "progress:{user_id}"' },
  E_PORT: {
    meaning: `a port is not an integer from ${MIN_APP_PORT} to ${MAX_PORT}, or is a sidecar port`,
    hint: `pick a free port from ${MIN_APP_PORT} to ${MAX_PORT} other than ${DAPR_POD_PORTS.join(", ")}`,
  },
  E_INVOKE_TARGET: { meaning: "an invocation target is not a valid app id or not a service of the platform", hint: "invoke a service the platform declares, by its name" },
  E_COMPONENT_NAME: { meaning: "a Dapr component name is not a DNS label", hint: 'use lowercase letters, digits and hyphens, e.g. "pubsub"' },
  E_PYTHON_VERSION: {
    meaning: "a Python version the generated code and its pinned dependencies do not support",
    hint: "use a supported version: fastdapr new --help lists them, and docs/generated-service.md in the fastdapr package says why",
  },
  E_AGENT_BACKEND: { meaning: "an unknown agent backend", hint: `use ${oneOf(AGENT_BACKENDS)}` },
  E_AGENT_FLAGS: { meaning: "--no-agent together with agent settings", hint: "drop --no-agent, or the agent flags" },
  E_AGENT_SETTING: { meaning: "an agent setting is empty or out of range", hint: "see docs/manifest.md in the fastdapr package for the agent settings" },
  E_CONVERSATION_MODEL: {
    meaning: "two agents share a Dapr conversation component but ask for different models",
    hint: "use the same model, or give each agent its own conversationComponent",
  },
  E_PRESET: { meaning: "an unknown preset", hint: `use ${oneOf(PRESET_NAMES.map((p) => `--preset ${p}`))}` },
  E_UNSAFE_PATH: { meaning: "a path leads outside the working directory or the project", hint: "give a path inside the current directory" },
  E_TARGET_EXISTS: { meaning: "the target folder exists and is not fastdapr's, or already has a manifest", hint: "choose another folder, or --force" },
  E_CONFLICT: {
    meaning: "a generated file (or the installed skill) was edited by hand",
    hint: "move the change into fastdapr.yaml or a scaffolded file; --force overwrites the edits",
  },
  E_DRIFT: { meaning: "generate --check or check: the files on disk differ from what the manifest produces", hint: "run fastdapr generate" },
  E_BUSY: { meaning: "another fastdapr run holds this folder's lock", hint: "wait for it to finish" },
  E_LOCK_CORRUPT: { meaning: ".fastdapr/lock.json cannot be read", hint: "restore it from version control" },
  E_INTERRUPTED_COMMIT: { meaning: "an earlier run was stopped while writing: the folder is half-written", hint: "run fastdapr generate: it puts the previous files back first" },
  E_JOURNAL_CORRUPT: { meaning: "the journal of an interrupted run cannot be read", hint: "restore the folder from version control" },
  E_INTERRUPTED: { meaning: "the run was interrupted; nothing was changed", hint: "run the command again" },
  E_MANIFEST_NOT_FOUND: { meaning: "no fastdapr.yaml where the command looked", hint: MANIFEST_NOT_FOUND_HINT },
  E_MANIFEST_EMPTY: { meaning: "the manifest is empty", hint: 'start it with "apiVersion: fastdapr/v1"' },
  E_MANIFEST_SYNTAX: { meaning: "the manifest is not valid YAML", hint: "fix the YAML at the location given" },
  E_MANIFEST_DUPLICATE_KEY: { meaning: "a key appears twice in the manifest", hint: "keep one of the two keys" },
  E_MANIFEST_TYPE: { meaning: "a manifest value has the wrong type", hint: "see docs/manifest.md in the fastdapr package for the field's type" },
  E_MANIFEST_KEY: { meaning: "a manifest map key is invalid", hint: "see docs/manifest.md in the fastdapr package for the key's format" },
  E_MANIFEST_MISSING: { meaning: "a required manifest field is missing", hint: "add the field named in the message" },
  E_MANIFEST_UNKNOWN_FIELD: { meaning: "the manifest has a field fastdapr does not know", hint: "remove it or fix its spelling" },
  E_MANIFEST_VALUE: { meaning: "a manifest value is out of range or malformed", hint: "see docs/manifest.md in the fastdapr package for the accepted values" },
  E_MANIFEST_SCHEMA: { meaning: "a topic's payload schema uses JSON Schema that does not map onto pydantic", hint: "use the subset in docs/manifest.md of the fastdapr package" },
  E_UNKNOWN_SERVICE: { meaning: "no service of that name in the manifest", hint: "use a service name from fastdapr.yaml" },
  E_SERVICE_EXISTS: { meaning: "the service already exists with other settings", hint: "edit the service in fastdapr.yaml" },
  E_DUPLICATE_PORT: { meaning: "two services use the same port", hint: "give each service its own port" },
  E_DUPLICATE_APP_ID: { meaning: "two services have the same app id", hint: "rename one of the services" },
  E_UNDECLARED_TOPIC: { meaning: "a service uses a topic not declared under topics", hint: "declare the topic under topics:" },
  E_INSIDE_PLATFORM: {
    meaning: "fastdapr new inside a platform's folder: its manifest would not know the service",
    hint: "fastdapr add service <name> adds a service to the platform",
  },
  E_DISK_FULL: { meaning: "the disk (or the quota) is full; nothing was changed", hint: "free some disk space, then run the command again" },
  E_PERMISSION: { meaning: "fastdapr may not read or write a path; nothing was changed", hint: "run it in a folder you may write, or fix the permissions" },
  E_BAD_PATH: {
    meaning: "a path names a file where a folder is needed (or a folder where a file is), or a name is too long",
    hint: "give a folder for --out and [DIR], a file for --manifest",
  },
  E_MANIFEST_FILE: { meaning: `the manifest is not a regular file, or is larger than ${MAX_MANIFEST_BYTES / 2 ** 20} MiB`, hint: "pass the path of fastdapr.yaml itself" },
  E_INTERNAL: { meaning: "a bug in fastdapr", hint: "rerun with FASTDAPR_DEBUG=1 and report it" },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[];

/** The hint to print: the raiser's own, else the code's general one. */
export function hintFor(code: string, hint: string | undefined): string {
  return hint ?? (ERROR_CODES as Record<string, ErrorCodeInfo>)[code]?.hint ?? ERROR_CODES.E_INTERNAL.hint;
}
