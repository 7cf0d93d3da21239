// `graph` (the describe_platform tool): the platform topology as a mermaid flowchart or JSON.
import { EXIT, type ExitCode } from "../core/errors.js";
import { loadManifest } from "../manifest/load.js";
import { buildPlatform } from "../platform/build-platform.js";
import { mermaidGraph, platformGraph } from "../platform/graph.js";
import type { Answer } from "./answers.js";
import type { InputOf } from "./input.js";
import type { GRAPH } from "./spec.js";

export interface GraphOutcome {
  answer: Extract<Answer, { command: "graph" }>;
  exitCode: ExitCode;
}

export function runGraph(input: InputOf<typeof GRAPH>): GraphOutcome {
  const loaded = loadManifest(input.manifest);
  const platform = buildPlatform(loaded.manifest, loaded.positions);
  const answer: GraphOutcome["answer"] =
    input.format === "json"
      ? { ok: true, command: "graph", format: "json", graph: platformGraph(platform) }
      : { ok: true, command: "graph", format: "mermaid", graph: mermaidGraph(platform) };
  return { answer, exitCode: EXIT.ok };
}
