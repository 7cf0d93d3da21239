// `fastdapr graph [--format mermaid|json] [--manifest PATH] [--json]`: the platform topology.
import type { Command } from "commander";
import type { InputOf } from "../../app/input.js";
import type { CommandContext } from "../context.js";
import { GRAPH } from "../../app/spec.js";
import { registerSpec } from "../register.js";

export function registerGraph(program: Command, ctx: CommandContext): void {
  registerSpec(program, GRAPH).action(async (flags: InputOf<typeof GRAPH>) => {
    // loaded when the command runs: the CLI's start stays free of the manifest and platform code
    const { runGraph } = await import("../../app/graph.js");
    const { printJson } = await import("../output.js");
    const { answer } = runGraph(flags);
    if (ctx.output.json) printJson(ctx.output, answer);
    else ctx.output.out(answer.format === "json" ? JSON.stringify(answer.graph, null, 2) : answer.graph);
  });
}
