// `new`: one standalone service from its input. The rules of the command's parameters live here
// (a port's form, the agent flags that contradict each other), not in either interface.
import { EXIT, FastdaprError, type ExitCode } from "../core/errors.js";
import { newService, type NewServiceResult } from "../commands/new.js";
import type { ServiceOptions } from "../model/build-service.js";
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
export function parsePort(value: string | number | undefined): number | undefined {
  if (value === undefined || typeof value === "number") return value;
  if (!/^\d+$/.test(value)) {
    throw new FastdaprError("E_PORT", `"${value}" is not a port number: use an integer from 1024 to 65535`, { param: { key: "port" } });
  }
  return Number(value);
}

/** The agent's settings; naming a backend, model or component asks for an agent. */
export function agentOptions(input: NewInput): Partial<ServiceOptions> {
  const given = input.agentBackend !== undefined || input.agentModel !== undefined || input.conversationComponent !== undefined;
  if (given && input.agent === false) {
    throw new FastdaprError("E_AGENT_FLAGS", "--no-agent contradicts --agent-backend, --agent-model and --conversation-component", {
      param: { key: "agent", negated: true },
      hint: "drop --no-agent, or the agent flags",
    });
  }
  return {
    ...(given && input.agent === undefined ? { agent: true } : {}),
    ...(input.agentBackend !== undefined ? { agentBackend: input.agentBackend } : {}),
    ...(input.agentModel !== undefined ? { agentModel: input.agentModel } : {}),
    ...(input.conversationComponent !== undefined ? { conversationComponent: input.conversationComponent } : {}),
  };
}

export async function runNew(input: NewInput): Promise<NewOutcome> {
  const port = parsePort(input.port);
  const dryRun = input.dryRun ?? false;
  const result = await newService({
    name: input.name,
    out: input.out,
    ...(input.tier !== undefined ? { tier: input.tier } : {}),
    subscribes: input.subscribe,
    publishes: input.publish,
    stateKeys: input.stateKey,
    invokes: input.invoke,
    ...(input.agent !== undefined ? { agent: input.agent } : {}),
    ...agentOptions(input),
    pubsubName: input.pubsub,
    stateStore: input.stateStore,
    ...(port !== undefined ? { port } : {}),
    ...(input.public ? { public: true } : {}),
    ...(input.python !== undefined ? { pythonVersion: input.python } : {}),
    dryRun,
    force: input.force ?? false,
  });
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
