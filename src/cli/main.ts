// The command line: parse flags, call the command, print one answer. No generation logic here.
import { Command, CommanderError } from "commander";
import { EXIT, FastdaprError } from "../core/errors.js";
import { fsUserError } from "../core/fs-errors.js";
import { VERSION } from "../core/version.js";
import { consoleOutput, type Output } from "./console.js";
import type { CommandContext, Interfaces } from "./context.js";
import { registerNew } from "./commands/new.js";
import { registerPlatformCommands } from "./commands/check.js";
import { registerPlatform } from "./commands/platform.js";
import { registerSkill } from "./commands/skill.js";
import { registerMcp } from "./commands/mcp.js";
import { registerCompletion } from "./commands/completion.js";
import { COMMANDS, paramOf } from "../app/spec.js";
import { cliName } from "../app/input.js";
import { examplesText } from "./register.js";

export type { CommandContext } from "./context.js";

function buildProgram(ctx: CommandContext): Command {
  const program = new Command("fastdapr")
    .description("Generate FastAPI microservices that run beside a Dapr sidecar, and whole platforms of them.")
    .version(VERSION, "-v, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.output.out(text),
      // help shown because a command is missing ("fastdapr", "fastdapr add") goes to stderr; under
      // --json the E_USAGE line below says it instead
      writeErr: (text) => (ctx.output.json ? undefined : ctx.output.err(text)),
      // commander's own parse errors are re-reported below as E_USAGE, in JSON when asked
      outputError: () => undefined,
      // fastdapr never styles its output; this also keeps FORCE_COLOR from colouring the help
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });
  registerNew(program, ctx);
  registerPlatformCommands(program, ctx);
  registerPlatform(program, ctx);
  registerSkill(program, ctx);
  registerMcp(program, ctx);
  registerCompletion(program, ctx);
  program.addHelpText(
    "after",
    examplesText([
      "fastdapr init learnflow --preset learnflow   # a platform of six services",
      "cd learnflow/services/triage-service && fastdapr check   # finds ../../fastdapr.yaml",
      "fastdapr new triage-service --subscribe learning.query",
      "fastdapr add --help",
    ]),
  );
  return program;
}

/** Commands whose second word names the subcommand ("add pubsub", "skill install"). */
const GROUPS = new Set(COMMANDS.filter((c) => c.path.length > 1).map((c) => c.path[0]!));

/** The command as typed, for error answers: "new", "add pubsub"; "fastdapr" when there is none or it is unknown. */
function commandName(argv: string[]): string {
  const words = argv.filter((a) => !a.startsWith("-"));
  const [first, second] = words;
  if (!first || !COMMANDS.some((c) => c.path[0] === first)) return "fastdapr";
  if (GROUPS.has(first) && second && COMMANDS.some((c) => c.path[0] === first && c.path[1] === second)) return `${first} ${second}`;
  return first;
}

/** An error keyed by a parameter, named as the command line spells it: "--port", "--no-agent", "<service-name>". */
function cliLocation(command: string, error: FastdaprError): string | undefined {
  if (error.location !== undefined || !error.param) return error.location;
  const spec = COMMANDS.find((c) => c.path.join(" ") === command);
  const p = spec && paramOf(spec, error.param.key);
  if (!p) return undefined;
  return cliName(p, error.param.negated);
}

/** Commander's parse error as one sentence, with the flag or argument it is about. */
function usageError(error: CommanderError, command: string): FastdaprError {
  const text = error.message.replace(/^error: /, "");
  const message = text.replace(/\.\s+([A-Z])/g, (_m, c: string) => `: ${c.toLowerCase()}`).replace(/\.$/, "");
  const flag = /option '(--?[\w-]+)/.exec(text)?.[1];
  const argument = /argument '([\w-]+)'/.exec(text)?.[1];
  const unknown = /unknown command '([^']+)'/.exec(text)?.[1];
  const location = flag ?? (argument ? `<${argument}>` : unknown);
  const help = `fastdapr ${command === "fastdapr" ? "" : `${command} `}--help`;
  if (unknown) {
    const guess = /Did you mean (?:one of )?([^?]+)\?/.exec(text)?.[1];
    const prefix = command === "fastdapr" ? "fastdapr" : `fastdapr ${command}`;
    return new FastdaprError("E_USAGE", message.split("\n")[0]!, {
      location: unknown,
      hint: `${guess ? `did you mean "${prefix} ${guess.split(", ")[0]}"? ` : ""}run "${help}" for the commands`,
    });
  }
  return new FastdaprError("E_USAGE", message, {
    ...(location ? { location } : {}),
    hint: `run "${help}" for the accepted flags`,
  });
}

/** "fastdapr", "fastdapr add", "fastdapr skill": a command group without its command. */
function missingCommand(command: string): FastdaprError {
  const group = COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === command).map((c) => c.path[1]);
  return new FastdaprError("E_USAGE", `"${command === "fastdapr" ? "fastdapr" : `fastdapr ${command}`}" needs a command`, {
    location: "<command>",
    hint: group.length
      ? `name one of: ${group.join(", ")} (run "fastdapr ${command} --help")`
      : 'run "fastdapr --help" for the commands, e.g. "fastdapr new my-service" or "fastdapr init my-platform --preset learnflow"',
  });
}

/** Runs one command line; `interfaces` are the other interfaces a command may start (src/fastdapr.ts passes the MCP server). */
export async function main(argv: string[], output: Output = consoleOutput(argv.includes("--json")), interfaces: Interfaces = {}): Promise<number> {
  const ctx: CommandContext = { ...interfaces, output, exitCode: EXIT.ok };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    // --help and --version end here too (commander throws after printing them under exitOverride)
    if (error instanceof CommanderError && (error.code === "commander.helpDisplayed" || error.code === "commander.version")) return EXIT.ok;
    // the printing helpers load only when there is an error to print (they pull in the plan's diffs)
    const { printError } = await import("./output.js");
    if (error instanceof CommanderError) {
      if (error.code === "commander.help") {
        // the help went to stderr (not under --json); a missing command is still a usage error
        if (output.json) printError(output, commandName(argv), missingCommand(commandName(argv)));
        return EXIT.badInput;
      }
      printError(output, commandName(argv), usageError(error, commandName(argv)));
      return EXIT.badInput;
    }
    if (error instanceof FastdaprError) {
      printError(output, commandName(argv), error, cliLocation(commandName(argv), error));
      return error.exitCode;
    }
    const user = fsUserError(error);
    if (user) {
      printError(output, commandName(argv), user);
      return user.exitCode;
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
