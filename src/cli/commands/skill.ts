// `fastdapr skill install [DIR] [--force] [--json]`: installs fastdapr's Agent Skill for coding agents.
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { jsonOption, registerSpec, SKILL_INSTALL } from "../spec.js";

export function registerSkill(program: Command, ctx: CommandContext): void {
  const skill = program.command("skill").description("fastdapr's Agent Skill for coding agents").addOption(jsonOption());
  registerSpec(skill, SKILL_INSTALL).action(async (dir: string, flags: { force?: boolean }) => {
    // loaded when the command runs, as every command's code
    const { installSkill } = await import("../../commands/skill-install.js");
    const { printJson } = await import("../output.js");
    const result = installSkill({ dir, force: flags.force ?? false });
    if (ctx.output.json) printJson(ctx.output, { ok: true, command: "skill install", path: result.path, status: result.status });
    else ctx.output.out(`${result.path}: ${result.status}`);
  });
}
