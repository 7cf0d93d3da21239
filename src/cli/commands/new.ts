// `fastdapr new <service-name> [flags]`: argv → the command layer's input, its answer → text or one JSON line.
import type { Command } from "commander";
import type { NewInput } from "../../app/new.js";
import type { CommandContext } from "../context.js";
import { NEW } from "../../app/spec.js";
import { registerSpec } from "../register.js";

export function registerNew(program: Command, ctx: CommandContext): void {
  registerSpec(program, NEW).action(async (name: string, flags: Omit<NewInput, "name">) => {
    // loaded when the command runs: --help and the other commands never pay for generation
    const { runNew } = await import("../../app/new.js");
    const { countsSummary, printDryRun, printJson, printRecovery, printUnused } = await import("../output.js");
    const { answer, exitCode, result, dryRun } = await runNew({ ...flags, name });
    const { output } = ctx;
    ctx.exitCode = exitCode;
    if (output.json) {
      printJson(output, answer);
      return;
    }
    printRecovery(output, result.recovered);
    if (dryRun) {
      printDryRun(output, result.path, result.plan, result.counts);
      return;
    }
    output.out(`${result.path}/: ${countsSummary(result.counts)}`);
    printUnused(output, result.plan);
    output.out(
      [
        "next steps:",
        `  cd ${result.path}`,
        "  python3 -m venv .venv && .venv/bin/pip install -U 'pip>=25.1' && .venv/bin/pip install -e . --group dev",
        "  .venv/bin/pytest            # tests run without a sidecar",
        "  docker compose up --build   # the service, its daprd sidecar, Redis and Kafka",
      ].join("\n"),
    );
  });
}
