// Commander commands from the command specs (src/app/spec.ts): each spec's arguments and flags,
// --json, and the "Examples:" block of --help. Only the CLI parses a command line.
import { Argument, type Command, Option } from "commander";
import { FastdaprError } from "../core/errors.js";
import type { CommandSpec } from "../app/spec.js";

/** Collects a repeatable flag (`--subscribe a --subscribe b`) into a list. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function jsonOption(): Option {
  return new Option("--json", "print exactly one line of JSON");
}

/** Adds `spec`'s last word as a subcommand of `parent`, with its arguments, its flags and --json. */
export function registerSpec(parent: Command, spec: CommandSpec): Command {
  const cmd = parent.command(spec.path[spec.path.length - 1]!).description(spec.description);
  for (const p of spec.params) {
    if (p.positional) {
      const argument = new Argument(p.cli, p.description);
      if (p.default !== undefined) argument.default(p.default);
      if (p.choices) argument.choices(p.choices);
      cmd.addArgument(argument);
      continue;
    }
    const opt = new Option(p.cli, p.description);
    if (p.choices) opt.choices(p.choices);
    if (p.repeatable) opt.argParser(collect).default([]);
    else if (p.default !== undefined && !p.searched) opt.default(p.default);
    if (p.required) opt.makeOptionMandatory();
    cmd.addOption(opt);
    if (p.negatable) refuseBoth(cmd.addOption(new Option(`--no-${p.cli.replace(/^--/, "")}`, `turn ${p.cli} off`)), p.cli);
  }
  if (spec.examples.length) cmd.addHelpText("after", examplesText(spec.examples));
  return spec.textOnly ? cmd : cmd.addOption(jsonOption());
}

/** `--agent --no-agent`: commander would let the last one win; a contradiction is refused instead. */
function refuseBoth(cmd: Command, flag: string): void {
  const name = flag.replace(/^--/, "");
  const seen = new Set<string>();
  for (const event of [name, `no-${name}`]) {
    cmd.on(`option:${event}`, () => {
      seen.add(event);
      if (seen.size === 2) {
        throw new FastdaprError("E_USAGE", `--${name} and --no-${name} contradict each other`, {
          location: `--no-${name}`,
          hint: `give one of --${name} and --no-${name}`,
        });
      }
    });
  }
}

/** The "Examples:" block `--help` ends with. */
export function examplesText(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}`;
}
