// MCP tools from the command specs: each tool is a command of the CLI. Its input schema is derived
// from the command's ParamSpecs (value formats from the manifest schema), and a call runs the very
// command the CLI runs, in process, with --json: the result is the CLI's answer line and an error
// carries the CLI's error code. Only the JSON types of the arguments are checked here (a wrong type
// is E_USAGE, as an unparsable flag is on the command line); every value rule is the command's own.
import { z } from "zod";
import { FastdaprError } from "../core/errors.js";
import type { Answer } from "../cli/answers.js";
import { main } from "../cli/main.js";
import { errorFields, type Output } from "../cli/output.js";
import { COMMANDS, type CommandSpec, type ParamSpec } from "../cli/spec.js";
import { VALUE_FORMATS } from "../cli/formats.js";
import { confineUserPath } from "../tree/paths.js";

// No outputSchema: the answers' schema (schemas/cli-output.schema.json) is ~4,400 characters per
// tool, and a client puts every tool definition into the model's context (10 tools: ~11,000 tokens
// instead of ~2,000). The results still carry structuredContent, one line of the documented contract.
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolResult {
  answer: Answer;
  /** The answer as the CLI prints it: one line of JSON. */
  line: string;
}

/** The commands that have a tool, by tool name. */
export const TOOL_SPECS: ReadonlyMap<string, CommandSpec> = new Map(
  COMMANDS.filter((c) => c.tool).map((c) => [c.tool!.name, c] as const),
);

function toolParams(spec: CommandSpec): ParamSpec[] {
  const fixed = spec.tool?.fixed ?? {};
  return spec.params.filter((p) => !(p.key in fixed));
}

function baseSchema(kind: ParamSpec["kind"]): z.ZodType {
  return kind === "boolean" ? z.boolean() : kind === "integer" ? z.int() : z.string();
}

/** What a tool caller is told: formats, choices, defaults and the flag's description. */
function describedSchema(p: ParamSpec): z.ZodType {
  let value: z.ZodType = p.format ? VALUE_FORMATS[p.format] : (p.choices ? z.enum(p.choices as [string, ...string[]]) : baseSchema(p.kind));
  if (p.repeatable) value = z.array(value);
  value = value.describe(p.description);
  if (p.required) return value;
  return p.default !== undefined && !p.repeatable ? value.default(p.default) : value.optional();
}

/** What a call is checked against before it runs: the JSON types only, no unknown arguments. */
function structuralSchema(spec: CommandSpec): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const p of toolParams(spec)) {
    const value = p.repeatable ? z.array(baseSchema(p.kind)) : baseSchema(p.kind);
    shape[p.key] = p.required ? value : value.optional();
  }
  return z.strictObject(shape);
}

export function toolDefinition(spec: CommandSpec): ToolDefinition {
  const shape = Object.fromEntries(toolParams(spec).map((p) => [p.key, describedSchema(p)]));
  const { $schema: _draft, ...inputSchema } = z.toJSONSchema(z.strictObject(shape), { target: "draft-7", io: "input" }) as Record<string, unknown>;
  return {
    name: spec.tool!.name,
    description: spec.tool!.description,
    inputSchema,
  };
}

export function toolDefinitions(): ToolDefinition[] {
  return [...TOOL_SPECS.values()].map(toolDefinition);
}

/** The command line the tool call stands for (values as --flag=value, operands after "--"). */
export function toArgv(spec: CommandSpec, args: Record<string, unknown>): string[] {
  const options: string[] = [];
  const operands: string[] = [];
  for (const p of toolParams(spec)) {
    // a tool call stays in the server's folder: it never searches the folders above for a manifest
    const value = args[p.key] ?? (p.searched ? p.default : undefined);
    if (value === undefined) continue;
    const flag = p.cli.split(" ")[0]!;
    if (p.positional) operands.push(String(value));
    else if (p.kind === "boolean") {
      if (value === true) options.push(flag);
      else if (p.negatable) options.push(`--no-${flag.slice(2)}`);
    } else if (Array.isArray(value)) for (const item of value) options.push(`${flag}=${String(item)}`);
    else options.push(`${flag}=${String(value)}`);
  }
  for (const [key, value] of Object.entries(spec.tool?.fixed ?? {})) {
    const p = spec.params.find((x) => x.key === key)!;
    options.push(`${p.cli.split(" ")[0]}=${value}`);
  }
  return [...spec.path, ...options, "--json", "--", ...operands];
}

/** A location the CLI names by flag or operand ("--subscribe", "<service-name>", "[DIR]"), as the tool argument. */
function toolLocation(spec: CommandSpec, location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  const wanted = location.toLowerCase();
  for (const p of spec.params) {
    const [flag, placeholder] = p.cli.toLowerCase().split(" ");
    const names = p.positional ? [flag!.replace(/^[<[]|[>\]]$/g, "")].map((n) => [`<${n}>`, `[${n}]`]).flat() : [flag!, `--no-${flag!.slice(2)}`, placeholder];
    if (names.includes(wanted)) return p.key;
  }
  return location;
}

function errorAnswer(spec: CommandSpec, error: FastdaprError): Answer {
  const fields = errorFields(error);
  const location = toolLocation(spec, fields.location);
  return { ok: false, command: spec.path.join(" "), error: { ...fields, ...(location ? { location } : {}) } };
}

function usage(spec: CommandSpec, issue: z.core.$ZodIssue): FastdaprError {
  const key = issue.path.length ? String(issue.path[0]) : undefined;
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  return new FastdaprError("E_USAGE", `${[key, ...keys].filter(Boolean).join(", ") || "arguments"}: ${issue.message.toLowerCase()}`, {
    ...(key ?? keys[0] ? { location: key ?? keys[0] } : {}),
    hint: `see the input schema of the ${spec.tool!.name} tool`,
  });
}

/** Runs one tool call in `cwd` (the server's working directory) and returns the command's answer. */
export async function callTool(spec: CommandSpec, rawArgs: unknown, cwd: string): Promise<ToolResult> {
  const parsed = structuralSchema(spec).safeParse(rawArgs ?? {});
  if (!parsed.success) return result(errorAnswer(spec, usage(spec, parsed.error.issues[0]!)));
  const args = parsed.data;
  try {
    // the commands confine the folders they write to; reads (--manifest of check) are confined here too
    for (const p of toolParams(spec)) {
      if (p.path && typeof args[p.key] === "string") confineUserPath(cwd, args[p.key] as string, p.key);
    }
  } catch (error) {
    if (error instanceof FastdaprError) return result(errorAnswer(spec, error));
    throw error;
  }
  const lines: string[] = [];
  const output: Output = { json: true, out: (text) => lines.push(text.trimEnd()), err: () => undefined };
  await main(toArgv(spec, args), output);
  const answer = JSON.parse(lines.join("\n")) as Answer;
  if (!answer.ok) {
    const location = toolLocation(spec, answer.error.location);
    if (location) answer.error.location = location;
    // the CLI's usage hint points at --help, which a tool caller cannot run
    if (answer.error.code === "E_USAGE") answer.error.hint = `see the input schema of the ${spec.tool!.name} tool`;
  }
  return result(answer);
}

function result(answer: Answer): ToolResult {
  return { answer, line: JSON.stringify(answer) };
}
