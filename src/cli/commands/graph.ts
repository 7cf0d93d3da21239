// `fastdapr graph [--format mermaid|json] [--manifest PATH] [--json]`: the platform topology.
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { GRAPH, GRAPH_FORMATS, registerSpec } from "../spec.js";

interface GraphFlags {
  format: (typeof GRAPH_FORMATS)[number];
  manifest?: string;
  json?: boolean;
}

export function registerGraph(program: Command, ctx: CommandContext): void {
  registerSpec(program, GRAPH).action(async (flags: GraphFlags) => {
      // loaded when the command runs: the CLI's start stays free of the manifest and platform code
      const { buildPlatform } = await import("../../platform/build-platform.js");
      const { mermaidGraph, platformGraph } = await import("../../platform/graph.js");
      const { loadManifest } = await import("../../manifest/load.js");
      const { printJson } = await import("../output.js");
      const { output } = ctx;
      const loaded = loadManifest(flags.manifest);
      const platform = buildPlatform(loaded.manifest, loaded.positions);
      if (flags.format === "json") {
        const graph = platformGraph(platform);
        if (output.json) printJson(output, { ok: true, command: "graph", format: "json", graph });
        else output.out(JSON.stringify(graph, null, 2));
        return;
      }
      const graph = mermaidGraph(platform);
      if (output.json) printJson(output, { ok: true, command: "graph", format: "mermaid", graph });
      else output.out(graph);
    });
}
