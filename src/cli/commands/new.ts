// `fastdapr new <service-name> [flags]`
import type { Command } from "commander";
import { FastdaprError } from "../../core/errors.js";
import type { ServiceOptions } from "../../model/build-service.js";
import type { AgentBackend } from "../../model/service.js";
import type { CommandContext } from "../main.js";
import { NEW, registerSpec } from "../spec.js";

interface NewFlags {
  out?: string;
  tier?: string;
  subscribe: string[];
  publish: string[];
  stateKey: string[];
  invoke: string[];
  agent?: boolean;
  agentBackend?: string;
  agentModel?: string;
  conversationComponent?: string;
  pubsub?: string;
  stateStore?: string;
  port?: string;
  python?: string;
  dryRun?: boolean;
  json?: boolean;
  force?: boolean;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new FastdaprError("E_PORT", `"${value}" is not a port number: use an integer from 1024 to 65535`, {
      location: "--port",
    });
  }
  return Number(value);
}

/** The agent's flags; naming a backend, model or component asks for an agent. */
function agentFlags(flags: NewFlags): Partial<ServiceOptions> {
  const given = flags.agentBackend !== undefined || flags.agentModel !== undefined || flags.conversationComponent !== undefined;
  if (given && flags.agent === false) {
    throw new FastdaprError("E_AGENT_FLAGS", "--no-agent contradicts --agent-backend, --agent-model and --conversation-component", {
      location: "--no-agent",
      hint: "drop --no-agent, or the agent flags",
    });
  }
  return {
    ...(given && flags.agent === undefined ? { agent: true } : {}),
    ...(flags.agentBackend !== undefined ? { agentBackend: flags.agentBackend as AgentBackend } : {}),
    ...(flags.agentModel !== undefined ? { agentModel: flags.agentModel } : {}),
    ...(flags.conversationComponent !== undefined ? { conversationComponent: flags.conversationComponent } : {}),
  };
}

export function registerNew(program: Command, ctx: CommandContext): void {
  registerSpec(program, NEW)
    .action(async (name: string, flags: NewFlags) => {
      // loaded when the command runs: --help and the other commands never pay for generation
      const { newService } = await import("../../commands/new.js");
      const { countFields, countsSummary, printDryRun, printJson, printRecovery, printUnused, unusedPaths } = await import("../output.js");
      const port = parsePort(flags.port);
      const result = await newService({
        name,
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        ...(flags.tier !== undefined ? { tier: flags.tier } : {}),
        subscribes: flags.subscribe,
        publishes: flags.publish,
        stateKeys: flags.stateKey,
        invokes: flags.invoke,
        ...(flags.agent !== undefined ? { agent: flags.agent } : {}),
        ...agentFlags(flags),
        ...(flags.pubsub !== undefined ? { pubsubName: flags.pubsub } : {}),
        ...(flags.stateStore !== undefined ? { stateStore: flags.stateStore } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(flags.python !== undefined ? { pythonVersion: flags.python } : {}),
        dryRun: flags.dryRun ?? false,
        force: flags.force ?? false,
      });
      const { output } = ctx;
      const c = result.counts;
      if (output.json) {
        printJson(output, {
          ok: true,
          command: "new",
          path: result.path,
          ...countFields(c),
          ...(c.orphaned ? { unused: unusedPaths(result.plan) } : {}),
          ...(flags.dryRun ? { dryRun: true } : {}),
          ...(result.recovered ? { recovered: result.recovered } : {}),
        });
        return;
      }
      printRecovery(output, result.recovered);
      if (flags.dryRun) {
        printDryRun(output, result.path, result.plan, c);
        return;
      }
      output.out(`${result.path}/: ${countsSummary(c)}`);
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
