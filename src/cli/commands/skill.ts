// `fastdapr skill install [DIR] [--force] [--json]`: installs fastdapr's Agent Skill for coding agents.
import type { Command } from "commander";
import type { InputOf } from "../../app/input.js";
import type { CommandContext } from "../context.js";
import { SKILL_INSTALL } from "../../app/spec.js";
import { jsonOption, registerSpec } from "../register.js";

export function registerSkill(program: Command, ctx: CommandContext): void {
  const skill = program.command("skill").description("fastdapr's Agent Skill for coding agents").addOption(jsonOption());
  registerSpec(skill, SKILL_INSTALL).action(async (dir: string, flags: Omit<InputOf<typeof SKILL_INSTALL>, "dir">) => {
    // loaded when the command runs, as every command's code
    const { runSkillInstall } = await import("../../app/skill.js");
    const { printJson } = await import("../output.js");
    const { answer } = runSkillInstall({ ...flags, dir });
    if (ctx.output.json) printJson(ctx.output, answer);
    else ctx.output.out(`${answer.path}: ${answer.status}`);
  });
}
