// `skill install`: copies fastdapr's Agent Skill where coding agents look for skills.
import { EXIT, type ExitCode } from "../core/errors.js";
import { installSkill } from "../commands/skill-install.js";
import type { Answer } from "./answers.js";
import type { InputOf } from "./input.js";
import type { SKILL_INSTALL } from "./spec.js";

export interface SkillOutcome {
  answer: Extract<Answer, { command: "skill install" }>;
  exitCode: ExitCode;
}

export function runSkillInstall(input: InputOf<typeof SKILL_INSTALL>): SkillOutcome {
  const result = installSkill({ dir: input.dir, force: input.force ?? false });
  return { answer: { ok: true, command: "skill install", path: result.path, status: result.status }, exitCode: EXIT.ok };
}
