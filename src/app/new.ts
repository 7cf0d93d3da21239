// `new`: one standalone service from its input. The form of a port given as text is checked here;
// every other rule is the model's (src/model/build-service.ts), the same for the library's newService.
import { EXIT, FastdaprError, type ExitCode } from "../core/errors.js";
import { newService, type NewServiceResult } from "../commands/new.js";
import type { PlaceOf, ServiceOptions } from "../model/build-service.js";
import { MAX_PORT, MIN_APP_PORT } from "../model/rules.js";
import { countFields, unusedPaths } from "./answer.js";
import type { Answer } from "./answers.js";
import type { InputOf } from "./input.js";
import type { NEW } from "./spec.js";

export type NewInput = InputOf<typeof NEW>;

export interface NewOutcome {
  answer: Extract<Answer, { command: "new"; ok: true }>;
  exitCode: ExitCode;
  result: NewServiceResult;
  dryRun: boolean;
}

/** A port as typed on a command line ("8001") or given by a tool call (8001); its range is the model's rule. */
function parsePort(value: string | number | undefined): number | undefined {
  if (value === undefined || typeof value === "number") return value;
  if (!/^\d+$/.test(value)) {
    throw new FastdaprError("E_PORT", `"${value}" is not a port number: use an integer from ${MIN_APP_PORT} to ${MAX_PORT}`, { param: { key: "port" } });
  }
  return Number(value);
}

/** The parameter of `new` each service option comes from, where the two names differ. */
const PARAM_OF_OPTION: Partial<Record<keyof ServiceOptions, keyof NewInput>> = {
  subscribes: "subscribe",
  publishes: "publish",
  stateKeys: "stateKey",
  invokes: "invoke",
  pubsubName: "pubsub",
  pythonVersion: "python",
};

/** An error about a service option, keyed by the parameter it came from. */
const paramPlace: PlaceOf = (option) => ({ param: { key: PARAM_OF_OPTION[option] ?? option } });

export async function runNew(input: NewInput): Promise<NewOutcome> {
  const port = parsePort(input.port);
  const dryRun = input.dryRun ?? false;
  const result = await newService(
    {
      name: input.name,
      out: input.out,
      ...(input.tier !== undefined ? { tier: input.tier } : {}),
      subscribes: input.subscribe,
      publishes: input.publish,
      stateKeys: input.stateKey,
      invokes: input.invoke,
      ...(input.agent !== undefined ? { agent: input.agent } : {}),
      ...(input.agentBackend !== undefined ? { agentBackend: input.agentBackend } : {}),
      ...(input.agentModel !== undefined ? { agentModel: input.agentModel } : {}),
      ...(input.conversationComponent !== undefined ? { conversationComponent: input.conversationComponent } : {}),
      pubsubName: input.pubsub,
      stateStore: input.stateStore,
      ...(port !== undefined ? { port } : {}),
      ...(input.public ? { public: true } : {}),
      ...(input.python !== undefined ? { pythonVersion: input.python } : {}),
      dryRun,
      force: input.force ?? false,
    },
    paramPlace,
  );
  const c = result.counts;
  return {
    answer: {
      ok: true,
      command: "new",
      path: result.path,
      ...countFields(c),
      ...(c.orphaned ? { unused: unusedPaths(result.plan) } : {}),
      ...(dryRun ? { dryRun: true } : {}),
      ...(result.recovered ? { recovered: result.recovered } : {}),
    },
    exitCode: EXIT.ok,
    result,
    dryRun,
  };
}
