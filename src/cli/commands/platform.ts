// `fastdapr init`, `fastdapr generate` and `fastdapr add …`: the platform commands.
import type { Command } from "commander";
import type { editPlatform, PlatformResult } from "../../commands/platform.js";
import type { AgentBackend, Tier } from "../../model/service.js";
import type { CommandContext } from "../main.js";
import { EXIT } from "../../core/errors.js";
import { ADD_AGENT, ADD_INVOKE, ADD_PUBSUB, ADD_SERVICE, ADD_STATE, GENERATE, INIT, jsonOption, registerSpec, type CommandSpec } from "../spec.js";

interface WriteFlags {
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  manifest?: string;
}

type AddCommand = "add service" | "add pubsub" | "add state" | "add invoke" | "add agent";

// The commands' code (generation, the manifest editor, the printing helpers) loads when one of them
// runs, never at the CLI's start.
const platformCommands = () => import("../../commands/platform.js");
const manifestEdits = () => import("../../manifest/edit.js");

async function report(ctx: CommandContext, command: "init" | "generate" | AddCommand, result: PlatformResult, dryRun: boolean): Promise<void> {
  const { countFields, countsSummary, printDryRun, printJson, printRecovery, printUnused, printWarnings, unusedPaths, warningFields } = await import("../output.js");
  const { output } = ctx;
  const c = result.counts;
  if (output.json) {
    printJson(output, {
      ok: true,
      command,
      root: result.path,
      ...countFields(c),
      ...(c.orphaned ? { unused: unusedPaths(result.plan) } : {}),
      ...warningFields(result.warnings),
      ...(dryRun ? { dryRun: true } : {}),
      ...(result.recovered ? { recovered: result.recovered } : {}),
    });
    return;
  }
  printRecovery(output, result.recovered);
  printWarnings(output, result.warnings);
  if (dryRun) {
    printDryRun(output, result.path, result.plan, c);
    return;
  }
  output.out(`${result.path}/: ${result.platform.services.length} services; ${countsSummary(c)}`);
  printUnused(output, result.plan);
}

export function registerPlatform(program: Command, ctx: CommandContext): void {
  registerSpec(program, INIT).action(async (dir: string, flags: WriteFlags & { preset: string }) => {
    const { initPlatform } = await platformCommands();
    const result = await initPlatform({ dir, preset: flags.preset, dryRun: flags.dryRun ?? false, force: flags.force ?? false });
    await report(ctx, "init", result, flags.dryRun ?? false);
  });

  registerSpec(program, GENERATE).action(async (flags: WriteFlags & { check?: boolean }) => {
    const { driftPlan, generatePlatform } = await platformCommands();
    if (flags.check) {
      const { driftCounts, printDrift, printJson } = await import("../output.js");
      const { plan, clean, manifest } = driftPlan(flags.manifest !== undefined ? { manifest: flags.manifest } : {});
      ctx.exitCode = clean ? EXIT.ok : EXIT.checkFailed;
      if (!clean) printDrift(ctx.output, "generate", plan, manifest, { check: true, ...driftCounts(plan) });
      else if (ctx.output.json) printJson(ctx.output, { ok: true, command: "generate", check: true, ...driftCounts(plan) });
      else ctx.output.out("no drift: the files match fastdapr.yaml");
      return;
    }
    const result = await generatePlatform({ ...flags, dryRun: flags.dryRun ?? false, force: flags.force ?? false });
    await report(ctx, "generate", result, flags.dryRun ?? false);
  });

  // --json on the group too, so "fastdapr add --json" answers E_USAGE in JSON rather than "unknown option"
  const add = program.command("add").description("change fastdapr.yaml (keeping its comments) and regenerate").addOption(jsonOption());
  type Edits = Awaited<ReturnType<typeof manifestEdits>>;
  const edit = (spec: CommandSpec, run: (edits: Edits, args: string[], flags: Record<string, unknown>) => Parameters<typeof editPlatform>[0]) => {
    registerSpec(add, spec).action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const flags = cmd.opts() as WriteFlags & Record<string, unknown>;
      const [{ editPlatform }, edits] = await Promise.all([platformCommands(), manifestEdits()]);
      const result = await editPlatform(run(edits, cmd.args, flags), {
        ...(flags.manifest ? { manifest: flags.manifest } : {}),
        dryRun: flags.dryRun ?? false,
        force: flags.force ?? false,
      });
      await report(ctx, spec.path.join(" ") as AddCommand, result, flags.dryRun ?? false);
    });
  };

  edit(ADD_SERVICE, ({ addService }, [name], f) => (doc) =>
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
  edit(ADD_PUBSUB, ({ addPubsub }, [service], f) => (doc) => addPubsub(doc, service!, { subscribe: f.subscribe as string[], publish: f.publish as string[] }));
  edit(ADD_STATE, ({ addState }, [service], f) => (doc) => addState(doc, service!, f.key as string));
  edit(ADD_INVOKE, ({ addInvoke }, [service], f) => (doc) => addInvoke(doc, service!, f.target as string));
  edit(ADD_AGENT, ({ addAgent }, [service], f) => (doc) =>
    addAgent(doc, service!, {
      ...(f.backend !== undefined ? { backend: f.backend as AgentBackend } : {}),
      ...(f.model !== undefined ? { model: f.model as string } : {}),
      ...(f.conversationComponent !== undefined ? { conversationComponent: f.conversationComponent as string } : {}),
    }),
  );
}
