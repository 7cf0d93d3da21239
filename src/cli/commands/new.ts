// `fastdapr new <service-name> [flags]`
import { Command, Option } from "commander";
import { FastdaprError } from "../../core/errors.js";
import { newService } from "../../commands/new.js";
import { AGENT_BACKENDS, TIERS } from "../../model/service.js";
import { DEFAULTS, type ServiceOptions } from "../../model/build-service.js";
import type { AgentBackend } from "../../model/service.js";
import { collect, jsonOption, type CommandContext } from "../main.js";
import { countFields, countsSummary, printDryRun, printJson, printRecovery, printUnused, unusedPaths } from "../output.js";

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
  program
    .command("new")
    .description("generate one FastAPI + Dapr service")
    .argument("<service-name>", "DNS-1123 name; also the Dapr app id and the folder name")
    .option("--out <dir>", "parent folder of the service folder, inside the working directory", ".")
    .addOption(new Option("--tier <tier>", "resource tier (agent turns the agent on)").choices(TIERS).default(undefined))
    .option("--subscribe <topic>", "topic to subscribe to (repeatable), domain.action", collect, [])
    .option("--publish <topic>", "topic to publish to (repeatable), domain.action", collect, [])
    .option("--state-key <pattern>", "state key pattern (repeatable), e.g. progress:{user_id}", collect, [])
    .option("--invoke <app-id>", "app id this service calls (repeatable)", collect, [])
    .option("--agent", "add an LLM agent (on by default for the agent tier)")
    .option("--no-agent", "no LLM agent, even for the agent tier")
    .addOption(
      new Option("--agent-backend <backend>", "LLM backend of the agent: the OpenAI API, or Dapr's Conversation API (no key in the service)")
        .choices(AGENT_BACKENDS)
        .default(undefined),
    )
    .option("--agent-model <name>", `LLM model name (default ${DEFAULTS.agentModel})`)
    .option("--conversation-component <name>", `Dapr conversation component of the dapr-conversation backend (default ${DEFAULTS.conversationComponent})`)
    .option("--pubsub <name>", "Dapr pub/sub component name", DEFAULTS.pubsubName)
    .option("--state-store <name>", "Dapr state store component name", DEFAULTS.stateStore)
    .option("--port <n>", `app port (default ${DEFAULTS.port})`)
    .option("--dry-run", "print what would be written, write nothing")
    .option("--force", "write into a folder fastdapr did not create, and overwrite edited generated files")
    .addOption(jsonOption())
    .action(async (name: string, flags: NewFlags) => {
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
