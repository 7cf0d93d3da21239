// `init`, `generate` (and `generate --check`) and `add …`: the platform commands from their inputs.
import { EXIT, type ExitCode, type FastdaprError } from "../core/errors.js";
import { driftPlan, editPlatform, generatePlatform, initPlatform, type ManifestEdit, type PlatformResult } from "../commands/platform.js";
import { addAgent, addInvoke, addPubsub, addService, addState } from "../manifest/edit.js";
import type { Plan } from "../tree/plan.js";
import { countFields, driftCounts, driftError, errorFields, unusedPaths, warningFields, type ErrorAnswer } from "./answer.js";
import type { Answer } from "./answers.js";
import type { InputOf } from "./input.js";
import type { ADD_AGENT, ADD_INVOKE, ADD_PUBSUB, ADD_SERVICE, ADD_STATE, GENERATE, INIT } from "./spec.js";

export type PlatformCommand = "init" | "generate" | "add service" | "add pubsub" | "add state" | "add invoke" | "add agent";

export interface PlatformOutcome {
  answer: Extract<Answer, { command: PlatformCommand; ok: true; root: string }>;
  exitCode: ExitCode;
  result: PlatformResult;
  dryRun: boolean;
}

/** `generate --check`: clean (exit 0) or E_DRIFT (exit 1), with the plan a generate would carry out. */
export interface DriftOutcome {
  answer: Extract<Answer, { command: "generate"; check: true; ok: true }> | ErrorAnswer;
  exitCode: ExitCode;
  plan: Plan;
  /** The manifest as the messages name it. */
  manifest: string;
  error?: FastdaprError;
}

function platformOutcome(command: PlatformCommand, result: PlatformResult, dryRun: boolean): PlatformOutcome {
  const c = result.counts;
  return {
    answer: {
      ok: true,
      command,
      root: result.path,
      ...countFields(c),
      ...(c.orphaned ? { unused: unusedPaths(result.plan) } : {}),
      ...warningFields(result.warnings),
      ...(dryRun ? { dryRun: true } : {}),
      ...(result.recovered ? { recovered: result.recovered } : {}),
    },
    exitCode: EXIT.ok,
    result,
    dryRun,
  };
}

export async function runInit(input: InputOf<typeof INIT>): Promise<PlatformOutcome> {
  const dryRun = input.dryRun ?? false;
  const result = await initPlatform({ dir: input.dir, preset: input.preset, dryRun, force: input.force ?? false });
  return platformOutcome("init", result, dryRun);
}

export async function runGenerate(input: InputOf<typeof GENERATE>): Promise<PlatformOutcome> {
  const dryRun = input.dryRun ?? false;
  const result = await generatePlatform({ ...(input.manifest !== undefined ? { manifest: input.manifest } : {}), dryRun, force: input.force ?? false });
  return platformOutcome("generate", result, dryRun);
}

export function runGenerateCheck(input: InputOf<typeof GENERATE>): DriftOutcome {
  const { plan, clean, manifest } = driftPlan(input.manifest !== undefined ? { manifest: input.manifest } : {});
  if (clean) return { answer: { ok: true, command: "generate", check: true, ...driftCounts(plan) }, exitCode: EXIT.ok, plan, manifest };
  const error = driftError(plan, manifest);
  return { answer: { ok: false, command: "generate", error: errorFields(error), check: true, ...driftCounts(plan) }, exitCode: EXIT.checkFailed, plan, manifest, error };
}

/** What every `add` command's input has: the manifest and how to write (the same parameters in each spec). */
type WriteInput = Pick<InputOf<typeof GENERATE>, "manifest" | "dryRun" | "force">;

async function edit(command: PlatformCommand, change: ManifestEdit, input: WriteInput): Promise<PlatformOutcome> {
  const dryRun = input.dryRun ?? false;
  const result = await editPlatform(change, { ...(input.manifest ? { manifest: input.manifest } : {}), dryRun, force: input.force ?? false });
  return platformOutcome(command, result, dryRun);
}

export function runAddService(input: InputOf<typeof ADD_SERVICE>): Promise<PlatformOutcome> {
  // the manifest editor checks the range; a command line's text that is no number stays NaN for it to refuse
  const port = typeof input.port === "string" ? Number(input.port) : input.port;
  return edit(
    "add service",
    (doc) =>
      addService(doc, input.name, {
        ...(input.tier ? { tier: input.tier } : {}),
        ...(port !== undefined ? { port } : {}),
        subscribes: input.subscribe,
        publishes: input.publish,
        state: input.stateKey,
        invokes: input.invoke,
        ...(input.agent ? { agent: true } : {}),
        ...(input.public ? { public: true } : {}),
      }),
    input,
  );
}

export function runAddPubsub(input: InputOf<typeof ADD_PUBSUB>): Promise<PlatformOutcome> {
  return edit("add pubsub", (doc) => addPubsub(doc, input.service, { subscribe: input.subscribe, publish: input.publish }), input);
}

export function runAddState(input: InputOf<typeof ADD_STATE>): Promise<PlatformOutcome> {
  return edit("add state", (doc) => addState(doc, input.service, input.key), input);
}

export function runAddInvoke(input: InputOf<typeof ADD_INVOKE>): Promise<PlatformOutcome> {
  return edit("add invoke", (doc) => addInvoke(doc, input.service, input.target), input);
}

export function runAddAgent(input: InputOf<typeof ADD_AGENT>): Promise<PlatformOutcome> {
  return edit(
    "add agent",
    (doc) =>
      addAgent(doc, input.service, {
        ...(input.backend !== undefined ? { backend: input.backend } : {}),
        ...(input.model !== undefined ? { model: input.model } : {}),
        ...(input.conversationComponent !== undefined ? { conversationComponent: input.conversationComponent } : {}),
      }),
    input,
  );
}
