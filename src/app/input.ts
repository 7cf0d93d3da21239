// A command's input, derived from its spec (spec.ts): one key per parameter, typed by its kind,
// choices and repetition. Both interfaces build it: the CLI from commander's parse, the MCP server
// from a tool call's arguments. No hand-written flag interfaces: a parameter added to a spec is in
// the input type, and a command that reads a key its spec lacks does not compile.
import { FastdaprError } from "../core/errors.js";
import type { CommandSpec, ParamSpec } from "./spec.js";

type Scalar<P extends ParamSpec> = P["kind"] extends "boolean"
  ? boolean
  : // an integer arrives as typed on a command line or as a number from a tool call: the command checks it
    P["kind"] extends "integer"
    ? number | string
    : P extends { choices: readonly (infer C extends string)[] }
      ? C
      : string;

type Value<P extends ParamSpec> = P["repeatable"] extends true ? string[] : Scalar<P>;

/** Always there: required, a list (empty by default) or defaulted (a searched file is absent until found). */
type Present<P extends ParamSpec> = P["required"] extends true
  ? true
  : P["repeatable"] extends true
    ? true
    : P extends { searched: true }
      ? false
      : P extends { default: string }
        ? true
        : false;

type Params<S extends CommandSpec> = S["params"][number];

export type InputOf<S extends CommandSpec> = { [P in Params<S> as Present<P> extends true ? P["key"] : never]: Value<P> } & {
  [P in Params<S> as Present<P> extends true ? never : P["key"]]?: Value<P>;
};

/**
 * Values a command line parser has not checked (a tool call's arguments): a value outside the
 * parameter's choices is refused as commander refuses it, in the same words.
 */
export function checkChoices(spec: CommandSpec, input: Record<string, unknown>): void {
  for (const p of spec.params) {
    const value = input[p.key];
    if (!p.choices || value === undefined || p.choices.includes(value as string)) continue;
    throw new FastdaprError("E_USAGE", `option '${p.cli}' argument '${String(value)}' is invalid: allowed choices are ${p.choices.join(", ")}`, {
      param: { key: p.key },
    });
  }
}

/** The input a tool call stands for: absent lists empty and absent values defaulted, as commander does. */
export function withDefaults(spec: CommandSpec, args: Record<string, unknown>, fixed: Record<string, string> = {}): Record<string, unknown> {
  const input: Record<string, unknown> = { ...args, ...fixed };
  for (const p of spec.params) {
    // a searched file (--manifest) takes its default too: a tool call never searches the folders above
    if (input[p.key] === undefined) input[p.key] = p.repeatable ? [] : p.default;
    if (input[p.key] === undefined) delete input[p.key];
  }
  return input;
}

/** The command line's name of a parameter: "--port", "--no-agent", "<service-name>", "[DIR]". */
export function cliName(p: ParamSpec, negated = false): string {
  const word = p.cli.split(" ")[0]!;
  return negated ? `--no-${word.slice(2)}` : word;
}
