// `fastdapr init`, `fastdapr generate` and `fastdapr add …`: argv → the command layer's input, its
// answer → text or one JSON line.
import type { Command } from "commander";
import type { PlatformOutcome } from "../../app/platform.js";
import type { InputOf } from "../../app/input.js";
import type { CommandContext } from "../context.js";
import { ADD_AGENT, ADD_INVOKE, ADD_PUBSUB, ADD_SERVICE, ADD_STATE, GENERATE, INIT, type CommandSpec } from "../../app/spec.js";
import { jsonOption, registerSpec } from "../register.js";

// The commands' code (generation, the manifest editor, the printing helpers) loads when one of them
// runs, never at the CLI's start.
const platformCommands = () => import("../../app/platform.js");
type Commands = Awaited<ReturnType<typeof platformCommands>>;

async function report(ctx: CommandContext, outcome: PlatformOutcome): Promise<void> {
  const { countsSummary, printDryRun, printJson, printRecovery, printUnused, printWarnings } = await import("../output.js");
  const { output } = ctx;
  const { answer, result } = outcome;
  ctx.exitCode = outcome.exitCode;
  if (output.json) {
    printJson(output, answer);
    return;
  }
  printRecovery(output, result.recovered);
  printWarnings(output, result.warnings);
  if (outcome.dryRun) {
    printDryRun(output, result.path, result.plan, result.counts);
    return;
  }
  output.out(`${result.path}/: ${result.platform.services.length} services; ${countsSummary(result.counts)}`);
  printUnused(output, result.plan);
}

/** commander's values as the command's input: the operands by their keys in the spec, then the flags. */
function inputOf<S extends CommandSpec>(spec: S, cmd: Command): InputOf<S> {
  const operands = Object.fromEntries(spec.params.filter((p) => p.positional).map((p, i) => [p.key, cmd.processedArgs[i]]));
  return { ...cmd.opts(), ...operands } as InputOf<S>;
}

export function registerPlatform(program: Command, ctx: CommandContext): void {
  const command = <S extends CommandSpec>(parent: Command, spec: S, run: (commands: Commands, input: InputOf<S>) => Promise<PlatformOutcome>) =>
    registerSpec(parent, spec).action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      await report(ctx, await run(await platformCommands(), inputOf(spec, cmd)));
    });

  command(program, INIT, (c, input) => c.runInit(input));

  registerSpec(program, GENERATE).action(async (flags: InputOf<typeof GENERATE>) => {
    const c = await platformCommands();
    if (!flags.check) return report(ctx, await c.runGenerate(flags));
    const { printDrift, printJson } = await import("../output.js");
    const outcome = c.runGenerateCheck(flags);
    ctx.exitCode = outcome.exitCode;
    if (ctx.output.json) printJson(ctx.output, outcome.answer);
    else if (outcome.error) printDrift(ctx.output, "generate", outcome.plan, outcome.error);
    else ctx.output.out("no drift: the files match fastdapr.yaml");
  });

  // --json on the group too, so "fastdapr add --json" answers E_USAGE in JSON rather than "unknown option"
  const add = program.command("add").description("change fastdapr.yaml (keeping its comments) and regenerate").addOption(jsonOption());
  command(add, ADD_SERVICE, (c, input) => c.runAddService(input));
  command(add, ADD_PUBSUB, (c, input) => c.runAddPubsub(input));
  command(add, ADD_STATE, (c, input) => c.runAddState(input));
  command(add, ADD_INVOKE, (c, input) => c.runAddInvoke(input));
  command(add, ADD_AGENT, (c, input) => c.runAddAgent(input));
}
