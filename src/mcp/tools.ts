// MCP tools from the command specs: each tool is a command of the command layer (src/app), as each
// CLI command is. Its input schema is derived from the command's ParamSpecs (value formats from the
// manifest schema), and a call runs the command on the input the arguments stand for: the result is
// the answer the CLI prints as its --json line, and an error carries the same code. Only the JSON
// types of the arguments are checked here (a wrong type is E_USAGE, as an unparsable flag is on the
// command line); every value rule is the command's own. Nothing here parses a command line.
import { z } from "zod";
import { atParam, FastdaprError } from "../core/errors.js";
import { errorAnswer, userError } from "../app/answer.js";
import type { Answer } from "../app/answers.js";
import { checkChoices, withDefaults } from "../app/input.js";
import { runCommand } from "../app/run.js";
import { COMMANDS, paramOf, type CommandSpec, type ParamSpec } from "../app/spec.js";
import { VALUE_FORMATS } from "../app/formats.js";
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
export const TOOL_SPECS: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.filter((c) => c.tool).map((c) => [c.tool!.name, c] as const));

function toolParams(spec: CommandSpec): ParamSpec[] {
  const fixed = spec.tool?.fixed ?? {};
  return spec.params.filter((p) => !(p.key in fixed));
}

function baseSchema(kind: ParamSpec["kind"]): z.ZodType {
  return kind === "boolean" ? z.boolean() : kind === "integer" ? z.int() : z.string();
}

/** What a tool caller is told: formats, choices, defaults and the flag's description. */
function describedSchema(p: ParamSpec): z.ZodType {
  let value: z.ZodType = p.format ? VALUE_FORMATS[p.format] : p.choices ? z.enum(p.choices as [string, ...string[]]) : baseSchema(p.kind);
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

function toolDefinition(spec: CommandSpec): ToolDefinition {
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

/** An error's place as the tool argument: its parameter's key, else its location (a manifest line, a path). */
function toolLocation(spec: CommandSpec, error: FastdaprError): string | undefined {
  if (error.param && paramOf(spec, error.param.key)) return error.param.key;
  return error.location;
}

function toolError(spec: CommandSpec, error: FastdaprError): Answer {
  const answer = errorAnswer(spec.path.join(" "), error, toolLocation(spec, error));
  // the CLI's usage hint points at --help, which a tool caller cannot run
  if (answer.error.code === "E_USAGE") answer.error.hint = `see the input schema of the ${spec.tool!.name} tool`;
  return answer;
}

function usage(spec: CommandSpec, issue: z.core.$ZodIssue): FastdaprError {
  const key = issue.path.length ? String(issue.path[0]) : undefined;
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  return new FastdaprError("E_USAGE", `${[key, ...keys].filter(Boolean).join(", ") || "arguments"}: ${issue.message.toLowerCase()}`, {
    ...((key ?? keys[0]) ? { location: key ?? keys[0] } : {}),
    hint: `see the input schema of the ${spec.tool!.name} tool`,
  });
}

/** Runs one tool call in `cwd` (the server's working directory) and returns the command's answer. */
export async function callTool(spec: CommandSpec, rawArgs: unknown, cwd: string): Promise<ToolResult> {
  const parsed = structuralSchema(spec).safeParse(rawArgs ?? {});
  if (!parsed.success) return result(toolError(spec, usage(spec, parsed.error.issues[0]!)));
  try {
    // the commands confine the folders they write to; reads (--manifest of check) are confined here too
    for (const p of toolParams(spec)) {
      const value = parsed.data[p.key];
      if (p.path && typeof value === "string") atParam(p.key, (label) => confineUserPath(cwd, value, label));
    }
    const input = toolInput(spec, parsed.data);
    checkChoices(spec, input);
    return result((await runCommand(spec, input)).answer);
  } catch (error) {
    return result(toolError(spec, userError(error)));
  }
}

/** The command's input a call stands for: defaults as on the command line, the tool's fixed values, a false non-negatable flag left out. */
function toolInput(spec: CommandSpec, args: Record<string, unknown>): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(args).filter(([key, value]) => !(value === false && !paramOf(spec, key)?.negatable)));
  return withDefaults(spec, given, spec.tool?.fixed);
}

function result(answer: Answer): ToolResult {
  return { answer, line: JSON.stringify(answer) };
}
