// The command line: parse flags, call the command, print one answer. No generation logic here.
import { Command, CommanderError, Option } from "commander";
import { EXIT, FastdaprError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { consoleOutput, printError, type Output } from "./output.js";
import { registerNew } from "./commands/new.js";
import { registerPlatformCommands } from "./commands/check.js";
import { registerPlatform } from "./commands/platform.js";

export interface CommandContext {
  output: Output;
  /** The exit code the command settled on (0 unless it says otherwise). */
  exitCode: number;
}

/** Collects a repeatable flag (`--subscribe a --subscribe b`) into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function jsonOption(): Option {
  return new Option("--json", "print exactly one line of JSON");
}

function buildProgram(ctx: CommandContext): Command {
  const program = new Command("fastdapr")
    .description("Generate FastAPI microservices that run beside a Dapr sidecar, and whole platforms of them.")
    .version(VERSION, "-v, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.output.out(text),
      // commander's own parse errors are re-reported below as E_USAGE, in JSON when asked
      writeErr: () => undefined,
    });
  registerNew(program, ctx);
  registerPlatformCommands(program, ctx);
  registerPlatform(program, ctx);
  return program;
}

function commandName(argv: string[]): string {
  return argv.find((a) => !a.startsWith("-")) ?? "fastdapr";
}

export async function main(argv: string[], output: Output = consoleOutput(argv.includes("--json"))): Promise<number> {
  const ctx: CommandContext = { output, exitCode: EXIT.ok };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
        return EXIT.ok;
      }
      const message = error.message.replace(/^error: /, "");
      printError(output, commandName(argv), new FastdaprError("E_USAGE", message, {
        hint: `run "fastdapr ${commandName(argv) === "fastdapr" ? "" : `${commandName(argv)} `}--help" for the accepted flags`,
      }));
      return EXIT.badInput;
    }
    if (error instanceof FastdaprError) {
      printError(output, commandName(argv), error);
      return error.exitCode;
    }
    // anything else is a bug in fastdapr, not the user's doing
    const internal = new FastdaprError("E_INTERNAL", `internal error: ${(error as Error).message}`, {
      hint: "this is a fastdapr bug; rerun with FASTDAPR_DEBUG=1 for details and report it",
      exitCode: EXIT.internal,
    });
    printError(output, commandName(argv), internal);
    if (process.env.FASTDAPR_DEBUG) output.err(String((error as Error).stack));
    return EXIT.internal;
  }
}
