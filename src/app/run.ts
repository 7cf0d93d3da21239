// Every command of the command layer by its spec: what the MCP server calls with a tool's input.
// The commands load when called, so that importing this table costs nothing.
import type { ExitCode } from "../core/errors.js";
import type { Answer } from "./answers.js";
import type { CommandSpec } from "./spec.js";

export interface Outcome {
  answer: Answer;
  exitCode: ExitCode;
}

type Runner = (input: never) => Outcome | Promise<Outcome>;

const RUNNERS: Record<string, () => Promise<Runner>> = {
  new: async () => (await import("./new.js")).runNew,
  init: async () => (await import("./platform.js")).runInit,
  generate: async () => {
    const { runGenerate, runGenerateCheck } = await import("./platform.js");
    return ((input: { check?: boolean }) => (input.check ? runGenerateCheck(input) : runGenerate(input))) as Runner;
  },
  "add service": async () => (await import("./platform.js")).runAddService,
  "add pubsub": async () => (await import("./platform.js")).runAddPubsub,
  "add state": async () => (await import("./platform.js")).runAddState,
  "add invoke": async () => (await import("./platform.js")).runAddInvoke,
  "add agent": async () => (await import("./platform.js")).runAddAgent,
  check: async () => (await import("./check.js")).runCheck,
  graph: async () => (await import("./graph.js")).runGraph,
  "skill install": async () => (await import("./skill.js")).runSkillInstall,
};

/** Runs `spec`'s command on an input built from the spec (input.ts); throws what the command throws. */
export async function runCommand(spec: CommandSpec, input: Record<string, unknown>): Promise<Outcome> {
  const load = RUNNERS[spec.path.join(" ")];
  if (!load) throw new Error(`no command for ${spec.path.join(" ")}`);
  const run = (await load()) as (input: Record<string, unknown>) => Outcome | Promise<Outcome>;
  return run(input);
}
