// `fastdapr check [--manifest PATH] [--json]`: the manifest is valid, the platform graph sound and,
// once the platform was generated (a lock file beside the manifest), the files on disk are what the
// manifest produces. Exit 0 when clean (warnings allowed), 1 when a platform rule fails or the files
// drifted (E_DRIFT, as generate --check), 2 when the manifest cannot be read or is invalid.
// The command is src/app/check.ts; this file prints its answer.
import type { Command } from "commander";
import type { InputOf } from "../../app/input.js";
import type { CommandContext } from "../context.js";
import { CHECK } from "../../app/spec.js";
import { registerSpec } from "../register.js";
import { registerGraph } from "./graph.js";

function registerCheck(program: Command, ctx: CommandContext): void {
  registerSpec(program, CHECK).action(async (flags: InputOf<typeof CHECK>) => {
    // loaded when the command runs: the CLI's start stays free of the manifest and plan code
    const { runCheck } = await import("../../app/check.js");
    const { driftError } = await import("../../app/answer.js");
    const { printDrift, printJson, printProblems, printWarnings } = await import("../output.js");
    const { output } = ctx;
    const outcome = runCheck(flags);
    ctx.exitCode = outcome.exitCode;
    if (output.json) {
      printJson(output, outcome.answer);
      return;
    }
    if (outcome.kind === "invalid") {
      const { error } = outcome;
      printProblems(output, error.problems);
      printWarnings(output, error.warnings);
      output.err(`${outcome.shown}: ${error.problems.length} error${error.problems.length === 1 ? "" : "s"}`);
      return;
    }
    printWarnings(output, outcome.platform.warnings);
    if (outcome.kind === "drift") {
      printDrift(output, "check", outcome.drift, driftError(outcome.drift, outcome.shown));
      return;
    }
    const { services, topics } = outcome.answer;
    const n = outcome.platform.warnings.length;
    output.out(`${outcome.shown}: ${services} services, ${topics} topics, ${n ? `${n} warning${n === 1 ? "" : "s"}` : "no problems"}`);
    if (outcome.drift) output.out("no drift: the files match the manifest");
  });
}

/** Registers `check` and `graph`, the commands that read a platform manifest without writing. */
export function registerPlatformCommands(program: Command, ctx: CommandContext): void {
  registerCheck(program, ctx);
  registerGraph(program, ctx);
}
