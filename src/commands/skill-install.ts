// `fastdapr skill install [DIR]`: copies the package's Agent Skill (skill/SKILL.md) into a skills
// folder, as DIR/fastapi-dapr-agent/SKILL.md. The copy ends with a trailer holding the hash of what
// was written, so a later install can tell an untouched older copy (replaced: "updated") from one
// the user edited (kept, E_CONFLICT, unless --force).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { atParam, EXIT, FastdaprError } from "../core/errors.js";
import { PACKAGE_ROOT } from "../core/package-root.js";
import { VERSION } from "../core/version.js";
import { confineProjectPath, confineUserFolder } from "../tree/paths.js";

const SKILL_NAME = "fastapi-dapr-agent";
const DEFAULT_SKILLS_DIR = ".claude/skills";
export const SKILL_SOURCE = join(PACKAGE_ROOT, "skill", "SKILL.md");

export type SkillStatus = "created" | "updated" | "unchanged";

export interface SkillInstallResult {
  /** The installed SKILL.md relative to the working directory. */
  path: string;
  status: SkillStatus;
}

const TRAILER = /\n<!-- fastdapr skill (\S+) sha256:([0-9a-f]{64}) -->\n$/;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The text to install: the skill, then a trailer with its version and hash. */
export function installedSkillText(source: string = readFileSync(SKILL_SOURCE, "utf8")): string {
  const body = source.endsWith("\n") ? source : `${source}\n`;
  return `${body}\n<!-- fastdapr skill ${VERSION} sha256:${sha256(body)} -->\n`;
}

/** True when `text` is a copy fastdapr wrote and nobody edited since. */
function untouched(text: string): boolean {
  const match = TRAILER.exec(text);
  return match !== null && sha256(text.slice(0, match.index)) === match[2];
}

export function installSkill(options: { dir?: string; force?: boolean; cwd?: string }): SkillInstallResult {
  const cwd = options.cwd ?? process.cwd();
  const skillsDir = atParam("dir", (label) => confineUserFolder(cwd, options.dir ?? DEFAULT_SKILLS_DIR, label));
  const file = confineProjectPath(skillsDir, `${SKILL_NAME}/SKILL.md`);
  const path = relative(cwd, file);
  const wanted = installedSkillText();

  let status: SkillStatus = "created";
  if (existsSync(file)) {
    const current = readFileSync(file, "utf8");
    if (current === wanted) return { path, status: "unchanged" };
    if (!untouched(current) && !options.force) {
      throw new FastdaprError("E_CONFLICT", `${path} was edited by hand`, {
        location: path,
        hint: "keep your copy, or run fastdapr skill install --force to replace it with this version's skill",
        exitCode: EXIT.checkFailed,
      });
    }
    status = "updated";
  }
  mkdirSync(dirname(file), { recursive: true });
  // write beside it, then rename: a reader never sees half a file
  const staged = `${file}.fastdapr-tmp`;
  writeFileSync(staged, wanted);
  renameSync(staged, file);
  return { path, status };
}
