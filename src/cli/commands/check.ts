// `fastdapr check [--manifest PATH] [--json]`: the manifest is valid and the platform graph sound.
// Exit 0 when clean (warnings allowed), 1 when a platform rule fails, 2 when the manifest cannot be
// read or is invalid.
import { Command } from "commander";
import { EXIT } from "../../core/errors.js";
import { loadManifest } from "../../manifest/load.js";
import { buildPlatform, PlatformError } from "../../platform/build-platform.js";
import type { PlatformModel, Warning } from "../../platform/model.js";
import { jsonOption, type CommandContext } from "../main.js";
import { printJson, type Output } from "../output.js";
import { manifestOption, registerGraph } from "./graph.js";

export interface CheckFlags {
  manifest: string;
  json?: boolean;
}

function printWarnings(output: Output, warnings: readonly Warning[]): void {
  for (const w of warnings) output.err(`warning: ${w.message} (${w.location})`);
}

/** Loads and builds the platform; manifest errors propagate (exit 2), graph errors are returned. */
export function checkPlatform(path: string): { platform: PlatformModel } | { error: PlatformError } {
  const loaded = loadManifest(path);
  try {
    return { platform: buildPlatform(loaded.manifest, loaded.positions) };
  } catch (error) {
    if (error instanceof PlatformError) return { error };
    throw error;
  }
}

export function registerCheck(program: Command, ctx: CommandContext): void {
  program
    .command("check")
    .description("validate fastdapr.yaml and the platform graph (exit 1 on a graph error, 2 on an invalid manifest)")
    .addOption(manifestOption())
    .addOption(jsonOption())
    .action((flags: CheckFlags) => {
      const { output } = ctx;
      const result = checkPlatform(flags.manifest);
      if ("error" in result) {
        const { error } = result;
        ctx.exitCode = EXIT.checkFailed;
        if (output.json) {
          printJson(output, {
            ok: false,
            command: "check",
            error: {
              code: error.code,
              message: error.message,
              ...(error.location ? { location: error.location } : {}),
              ...(error.hint ? { hint: error.hint } : {}),
            },
            problems: error.problems,
            warnings: error.warnings,
          });
          return;
        }
        for (const p of error.problems) {
          output.err(`error: ${p.message} (${p.location})`);
          if (p.hint) output.err(`hint: ${p.hint}`);
        }
        printWarnings(output, error.warnings);
        output.err(`${flags.manifest}: ${error.problems.length} error${error.problems.length === 1 ? "" : "s"}`);
        return;
      }
      const { platform } = result;
      if (output.json) {
        printJson(output, {
          ok: true,
          command: "check",
          services: platform.services.length,
          topics: platform.topics.length,
          warnings: platform.warnings,
        });
        return;
      }
      printWarnings(output, platform.warnings);
      const n = platform.warnings.length;
      output.out(
        `${flags.manifest}: ${platform.services.length} services, ${platform.topics.length} topics, ${n ? `${n} warning${n === 1 ? "" : "s"}` : "no problems"}`,
      );
    });
}

/** Registers `check` and `graph`, the commands that read a platform manifest without writing. */
export function registerPlatformCommands(program: Command, ctx: CommandContext): void {
  registerCheck(program, ctx);
  registerGraph(program, ctx);
}
