// `check`: the manifest, the platform graph and, once generated, the files on disk. A graph error or
// drift is an answer (exit 1), not a throw; an unreadable or invalid manifest throws (exit 2).
import { EXIT, type ExitCode } from "../core/errors.js";
import { driftSinceGenerate } from "../commands/platform.js";
import { loadManifest } from "../manifest/load.js";
import { buildPlatform, PlatformError } from "../platform/build-platform.js";
import type { PlatformModel } from "../platform/model.js";
import { isClean, type Plan } from "../tree/plan.js";
import { driftCounts, driftError, errorFields, problemFields, warningFields, type ErrorAnswer } from "./answer.js";
import type { Answer } from "./answers.js";
import type { InputOf } from "./input.js";
import type { CHECK } from "./spec.js";

export type CheckOutcome = { exitCode: ExitCode /** The manifest as messages name it. */; shown: string } & (
  | { kind: "invalid"; answer: ErrorAnswer; error: PlatformError }
  | { kind: "drift"; answer: ErrorAnswer; platform: PlatformModel; drift: Plan }
  | { kind: "clean"; answer: Extract<Answer, { command: "check"; ok: true }>; platform: PlatformModel; drift: Plan | null }
);

/** The number of files a generate would create, update, delete or refuse to overwrite. */
function driftCount(plan: Plan): number {
  const c = driftCounts(plan);
  return c.created + c.updated + c.deleted + c.conflicts;
}

export function runCheck(input: InputOf<typeof CHECK>): CheckOutcome {
  const loaded = loadManifest(input.manifest);
  const shown = loaded.fileName;
  let platform: PlatformModel;
  try {
    platform = buildPlatform(loaded.manifest, loaded.positions);
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return {
      kind: "invalid",
      exitCode: EXIT.checkFailed,
      shown,
      error,
      answer: { ok: false, command: "check", error: errorFields(error), ...problemFields(error.problems, 1), ...warningFields(error.warnings) },
    };
  }
  const drift = driftSinceGenerate(loaded.file!, platform, loaded.text);
  const counts = { services: platform.services.length, topics: platform.topics.length };
  if (drift !== null && !isClean(drift)) {
    const error = driftError(drift, shown);
    return {
      kind: "drift",
      exitCode: EXIT.checkFailed,
      shown,
      platform,
      drift,
      answer: { ok: false, command: "check", error: errorFields(error), ...counts, ...warningFields(platform.warnings), drift: driftCount(drift) },
    };
  }
  return {
    kind: "clean",
    exitCode: EXIT.ok,
    shown,
    platform,
    drift,
    answer: { ok: true, command: "check", ...counts, ...warningFields(platform.warnings), ...(drift ? { drift: 0 } : {}) },
  };
}
