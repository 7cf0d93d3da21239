// `fastdapr graph [--format mermaid|json] [--manifest PATH] [--json]`: the platform topology.
import { Command, Option } from "commander";
import { buildPlatform } from "../../platform/build-platform.js";
import { mermaidGraph, platformGraph } from "../../platform/graph.js";
import { jsonOption, type CommandContext } from "../main.js";
import { printJson } from "../output.js";
import { loadManifest, MANIFEST_FILE } from "../../manifest/load.js";

/** `--manifest PATH`, shared by the commands that read the manifest. */
export function manifestOption(): Option {
  return new Option("--manifest <path>", "the platform manifest").default(MANIFEST_FILE);
}

export const GRAPH_FORMATS = ["mermaid", "json"] as const;

interface GraphFlags {
  format: (typeof GRAPH_FORMATS)[number];
  manifest: string;
  json?: boolean;
}

export function registerGraph(program: Command, ctx: CommandContext): void {
  program
    .command("graph")
    .description("print the platform topology: services, topics and invocations")
    .addOption(new Option("--format <format>", "mermaid flowchart or JSON").choices(GRAPH_FORMATS).default("mermaid"))
    .addOption(manifestOption())
    .addOption(jsonOption())
    .action((flags: GraphFlags) => {
      const { output } = ctx;
      const loaded = loadManifest(flags.manifest);
      const platform = buildPlatform(loaded.manifest, loaded.positions);
      const graph = flags.format === "json" ? platformGraph(platform) : mermaidGraph(platform);
      if (output.json) {
        printJson(output, { ok: true, command: "graph", format: flags.format, graph });
        return;
      }
      output.out(typeof graph === "string" ? graph : JSON.stringify(graph, null, 2));
    });
}
