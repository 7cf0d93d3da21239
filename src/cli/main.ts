// The command line: parse flags, call the command, print one answer. No generation logic here.
import { Command, CommanderError } from "commander";
import { EXIT, FastdaprError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { consoleOutput, printError, type Output } from "./output.js";
import { registerNew } from "./commands/new.js";
import { registerPlatformCommands } from "./commands/check.js";
import { registerPlatform } from "./commands/platform.js";
import { registerSkill } from "./commands/skill.js";
import { registerMcp } from "./commands/mcp.js";
import { COMMANDS } from "./spec.js";

export interface CommandContext {
  output: Output;
  /** The exit code the command settled on (0 unless it says otherwise). */
  exitCode: number;
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
      // fastdapr never styles its output; this also keeps FORCE_COLOR from colouring the help
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });
  registerNew(program, ctx);
  registerPlatformCommands(program, ctx);
  registerPlatform(program, ctx);
  registerSkill(program, ctx);
  registerMcp(program, ctx);
  return program;
}

/** Commands whose second word names the subcommand ("add pubsub", "skill install"). */
const GROUPS = new Set(COMMANDS.filter((c) => c.path.length > 1).map((c) => c.path[0]!));

/** The command as typed, for error answers: "new", "add pubsub"; "fastdapr" when there is none. */
function commandName(argv: string[]): string {
  const words = argv.filter((a) => !a.startsWith("-"));
  const [first, second] = words;
  if (!first) return "fastdapr";
  if (GROUPS.has(first) && second && COMMANDS.some((c) => c.path[0] === first && c.path[1] === second)) return `${first} ${second}`;
  return first;
}

/** Commander's parse error as one sentence, with the flag or argument it is about. */
function usageError(error: CommanderError, command: string): FastdaprError {
  const text = error.message.replace(/^error: /, "");
  const message = text.replace(/\.\s+([A-Z])/g, (_m, c: string) => `: ${c.toLowerCase()}`).replace(/\.$/, "");
  const flag = /option '(--?[\w-]+)/.exec(text)?.[1];
  const argument = /argument '([\w-]+)'/.exec(text)?.[1];
  const unknown = /unknown command '([^']+)'/.exec(text)?.[1];
  const location = flag ?? (argument ? `<${argument}>` : unknown);
  return new FastdaprError("E_USAGE", message, {
    ...(location ? { location } : {}),
    hint: `run "fastdapr ${command === "fastdapr" ? "" : `${command} `}--help" for the accepted flags`,
  });
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
      printError(output, commandName(argv), usageError(error, commandName(argv)));
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
