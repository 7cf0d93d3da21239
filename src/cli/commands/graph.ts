// `fastdapr graph [--format mermaid|json] [--manifest PATH] [--json]`: the platform topology.
import type { Command } from "commander";
import { buildPlatform } from "../../platform/build-platform.js";
import { mermaidGraph, platformGraph } from "../../platform/graph.js";
import type { CommandContext } from "../main.js";
import { printJson } from "../output.js";
import { loadManifest } from "../../manifest/load.js";
import { GRAPH, GRAPH_FORMATS, registerSpec } from "../spec.js";

interface GraphFlags {
  format: (typeof GRAPH_FORMATS)[number];
  manifest?: string;
  json?: boolean;
}

export function registerGraph(program: Command, ctx: CommandContext): void {
  registerSpec(program, GRAPH).action((flags: GraphFlags) => {
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
