// `fastdapr check [--manifest PATH] [--json]`: the manifest is valid, the platform graph sound and,
// once the platform was generated (a lock file beside the manifest), the files on disk are what the
// manifest produces. Exit 0 when clean (warnings allowed), 1 when a platform rule fails or the files
// drifted (E_DRIFT, as generate --check), 2 when the manifest cannot be read or is invalid.
import type { Command } from "commander";
import { EXIT } from "../../core/errors.js";
import type { Plan } from "../../tree/plan.js";
import type { PlatformError } from "../../platform/build-platform.js";
import type { PlatformModel } from "../../platform/model.js";
import type { CommandContext } from "../main.js";
import { CHECK, registerSpec } from "../spec.js";
import { registerGraph } from "./graph.js";

export interface CheckFlags {
  manifest?: string;
  json?: boolean;
}

/** Loads and builds the platform; manifest errors propagate (exit 2), graph errors are returned. */
async function checkPlatform(path: string | undefined): Promise<{ platform: PlatformModel; text: string; file: string; shown: string } | { error: PlatformError; shown: string }> {
  const { loadManifest } = await import("../../manifest/load.js");
  const { buildPlatform, PlatformError } = await import("../../platform/build-platform.js");
  const loaded = loadManifest(path);
  try {
    return { platform: buildPlatform(loaded.manifest, loaded.positions), text: loaded.text, file: loaded.file!, shown: loaded.fileName };
  } catch (error) {
    if (error instanceof PlatformError) return { error, shown: loaded.fileName };
    throw error;
  }
}

/** The number of files a generate would create, update, delete or refuse to overwrite. */
function driftCount(plan: Plan, driftCounts: (plan: Plan) => { created: number; updated: number; deleted: number; conflicts: number }): number {
  const c = driftCounts(plan);
  return c.created + c.updated + c.deleted + c.conflicts;
}

export function registerCheck(program: Command, ctx: CommandContext): void {
  registerSpec(program, CHECK).action(async (flags: CheckFlags) => {
      // loaded when the command runs: the CLI's start stays free of the manifest and plan code
      const { driftSinceGenerate } = await import("../../commands/platform.js");
      const { isClean } = await import("../../tree/plan.js");
      const { driftCounts, errorFields, printDrift, printJson, printProblems, printWarnings, problemFields, warningFields } = await import("../output.js");
      const { output } = ctx;
      const result = await checkPlatform(flags.manifest);
      if ("error" in result) {
        const { error } = result;
        ctx.exitCode = EXIT.checkFailed;
        if (output.json) {
          printJson(output, {
            ok: false,
            command: "check",
            error: errorFields(error),
            ...problemFields(error.problems, 1),
            ...warningFields(error.warnings),
          });
          return;
        }
        printProblems(output, error.problems);
        printWarnings(output, error.warnings);
        output.err(`${result.shown}: ${error.problems.length} error${error.problems.length === 1 ? "" : "s"}`);
        return;
      }
      const { platform } = result;
      const drift = driftSinceGenerate(result.file, platform, result.text);
      const clean = drift === null || isClean(drift);
      const counts = { services: platform.services.length, topics: platform.topics.length };
      if (!clean) {
        ctx.exitCode = EXIT.checkFailed;
        if (!output.json) printWarnings(output, platform.warnings);
        printDrift(output, "check", drift!, result.shown, { ...counts, ...warningFields(platform.warnings), drift: driftCount(drift!, driftCounts) });
        return;
      }
      if (output.json) {
        printJson(output, { ok: true, command: "check", ...counts, ...warningFields(platform.warnings), ...(drift ? { drift: 0 } : {}) });
        return;
      }
      printWarnings(output, platform.warnings);
      const n = platform.warnings.length;
      output.out(`${result.shown}: ${counts.services} services, ${counts.topics} topics, ${n ? `${n} warning${n === 1 ? "" : "s"}` : "no problems"}`);
      if (drift) output.out("no drift: the files match the manifest");
    });
}

/** Registers `check` and `graph`, the commands that read a platform manifest without writing. */
export function registerPlatformCommands(program: Command, ctx: CommandContext): void {
  registerCheck(program, ctx);
  registerGraph(program, ctx);
}
