// `fastdapr init`, `fastdapr generate` and `fastdapr add …`: the platform commands.
import { Command, Option } from "commander";
import { EXIT } from "../../core/errors.js";
import { driftPlan, editPlatform, generatePlatform, initPlatform, type PlatformResult } from "../../commands/platform.js";
import { addAgent, addInvoke, addPubsub, addService, addState } from "../../manifest/edit.js";
import { PRESET_NAMES } from "../../manifest/presets/index.js";
import { AGENT_BACKENDS, TIERS, type AgentBackend, type Tier } from "../../model/service.js";
import { DEFAULTS } from "../../model/build-service.js";
import { countPlan } from "../../tree/plan.js";
import { collect, jsonOption, type CommandContext } from "../main.js";
import { countFields, countsSummary, printDryRun, printJson, printPlan, printRecovery, printUnused, unusedPaths } from "../output.js";

interface WriteFlags {
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  manifest?: string;
}

function writeOptions(cmd: Command): Command {
  return cmd
    .option("--dry-run", "print the plan with diffs, write nothing")
    .option("--force", "overwrite generated files edited by hand")
    .addOption(jsonOption());
}

function report(ctx: CommandContext, command: string, result: PlatformResult, dryRun: boolean): void {
  const { output } = ctx;
  const c = result.counts;
  if (output.json) {
    printJson(output, {
      ok: true,
      command,
      root: result.path,
      ...countFields(c),
      ...(c.orphaned ? { unused: unusedPaths(result.plan) } : {}),
      ...(result.warnings.length ? { warnings: result.warnings.map((w) => `${w.code} ${w.location}`) } : {}),
      ...(dryRun ? { dryRun: true } : {}),
      ...(result.recovered ? { recovered: result.recovered } : {}),
    });
    return;
  }
  printRecovery(output, result.recovered);
  for (const w of result.warnings) output.err(`warning: ${w.message} (${w.location})`);
  if (dryRun) {
    printDryRun(output, result.path, result.plan, c);
    return;
  }
  output.out(`${result.path}/: ${result.platform.services.length} services; ${countsSummary(c)}`);
  printUnused(output, result.plan);
}

export function registerPlatform(program: Command, ctx: CommandContext): void {
  writeOptions(
    program
      .command("init")
      .description("write fastdapr.yaml from a preset and generate the platform")
      .argument("[dir]", "platform folder, inside the working directory", ".")
      .addOption(new Option("--preset <name>", "starting manifest").choices(PRESET_NAMES).default("blank")),
  ).action(async (dir: string, flags: WriteFlags & { preset: string }) => {
    const result = await initPlatform({ dir, preset: flags.preset, dryRun: flags.dryRun ?? false, force: flags.force ?? false });
    report(ctx, "init", result, flags.dryRun ?? false);
  });

  writeOptions(
    program
      .command("generate")
      .description("render the whole platform from fastdapr.yaml")
      .option("--manifest <path>", "the manifest", "fastdapr.yaml")
      .option("--check", "write nothing; exit 1 when the files on disk differ from what the manifest produces"),
  ).action(async (flags: WriteFlags & { check?: boolean }) => {
    if (flags.check) {
      const { plan, clean } = driftPlan({ ...(flags.manifest ? { manifest: flags.manifest } : {}) });
      const c = countPlan(plan);
      if (ctx.output.json) {
        printJson(ctx.output, { ok: clean, command: "generate", check: true, created: c.created, updated: c.updated, deleted: c.deleted, conflicts: c.conflicts });
      } else if (clean) {
        ctx.output.out("no drift: the files match fastdapr.yaml");
      } else {
        printPlan(ctx.output, plan);
        ctx.output.out(`drift: ${countsSummary(c)}; run fastdapr generate`);
      }
      ctx.exitCode = clean ? EXIT.ok : EXIT.checkFailed;
      return;
    }
    const result = await generatePlatform({ ...flags, dryRun: flags.dryRun ?? false, force: flags.force ?? false });
    report(ctx, "generate", result, flags.dryRun ?? false);
  });

  const add = program.command("add").description("change fastdapr.yaml (keeping its comments) and regenerate");
  const edit = (name: string, description: string, configure: (c: Command) => Command, run: (args: string[], flags: Record<string, unknown>) => Parameters<typeof editPlatform>[0]) => {
    writeOptions(configure(add.command(name).description(description)).option("--manifest <path>", "the manifest", "fastdapr.yaml")).action(
      async (...params: unknown[]) => {
        const cmd = params[params.length - 1] as Command;
        const flags = cmd.opts() as WriteFlags & Record<string, unknown>;
        const args = cmd.args;
        const result = await editPlatform(run(args, flags), {
          ...(flags.manifest ? { manifest: flags.manifest } : {}),
          dryRun: flags.dryRun ?? false,
          force: flags.force ?? false,
        });
        report(ctx, `add ${name}`, result, flags.dryRun ?? false);
      },
    );
  };

  edit(
    "service",
    "add a service",
    (c) =>
      c
        .argument("<name>", "service name (DNS-1123)")
        .addOption(new Option("--tier <tier>", "resource tier").choices(TIERS))
        .option("--port <n>", "app port (default: the next free one)")
        .option("--subscribe <topic>", "repeatable", collect, [])
        .option("--publish <topic>", "repeatable", collect, [])
        .option("--state-key <pattern>", "repeatable", collect, [])
        .option("--invoke <app-id>", "repeatable", collect, [])
        .option("--agent", "add an LLM agent")
        .option("--public", "an entry point: the ingress controller may reach its HTTP port"),
    ([name], f) => (doc) =>
      addService(doc, name!, {
        ...(f.tier ? { tier: f.tier as Tier } : {}),
        ...(f.port !== undefined ? { port: Number(f.port) } : {}),
        subscribes: f.subscribe as string[],
        publishes: f.publish as string[],
        state: f.stateKey as string[],
        invokes: f.invoke as string[],
        ...(f.agent ? { agent: true } : {}),
        ...(f.public ? { public: true } : {}),
      }),
  );
  edit(
    "pubsub",
    "subscribe or publish a service to topics",
    (c) => c.argument("<service>").option("--subscribe <topic>", "repeatable", collect, []).option("--publish <topic>", "repeatable", collect, []),
    ([service], f) => (doc) => addPubsub(doc, service!, { subscribe: f.subscribe as string[], publish: f.publish as string[] }),
  );
  edit(
    "state",
    "add a state key pattern to a service",
    (c) => c.argument("<service>").requiredOption("--key <pattern>", "e.g. progress:{user_id}"),
    ([service], f) => (doc) => addState(doc, service!, f.key as string),
  );
  edit(
    "invoke",
    "let a service call another by app id",
    (c) => c.argument("<service>").requiredOption("--target <app-id>", "the service to call"),
    ([service], f) => (doc) => addInvoke(doc, service!, f.target as string),
  );
  edit(
    "agent",
    "add an LLM agent to a service",
    (c) =>
      c
        .argument("<service>")
        .addOption(new Option("--backend <backend>", "the OpenAI API, or Dapr's Conversation API").choices(AGENT_BACKENDS))
        .option("--model <name>", `LLM model name (default ${DEFAULTS.agentModel})`)
        .option("--conversation-component <name>", "Dapr conversation component of the dapr-conversation backend"),
    ([service], f) => (doc) =>
      addAgent(doc, service!, {
        ...(f.backend !== undefined ? { backend: f.backend as AgentBackend } : {}),
        ...(f.model !== undefined ? { model: f.model as string } : {}),
        ...(f.conversationComponent !== undefined ? { conversationComponent: f.conversationComponent as string } : {}),
      }),
  );
}
