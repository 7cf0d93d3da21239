// The pieces of an answer both interfaces send: counts, warnings, problems and the error object.
// The CLI prints an answer as one JSON line (or as text), the MCP server returns it as the tool's
// result: the same object, built here.
import { EXIT, FastdaprError, type Problem } from "../core/errors.js";
import { fsUserError } from "../core/fs-errors.js";
import { countPlan, type Plan, type PlanCounts } from "../tree/plan.js";
import type { Answer, Warning } from "./answers.js";
import { hintFor } from "./error-codes.js";

export type ErrorAnswer = Extract<Answer, { ok: false }>;

/** Warnings as the answers carry them: the field is left out when there are none. */
export function warningFields(warnings: readonly Warning[]): { warnings?: Warning[] } {
  return warnings.length ? { warnings: warnings.map((w) => ({ code: w.code, message: w.message, location: w.location })) } : {};
}

/** The counts every writing command reports (zeros of the rarer ones left out). */
export function countFields(c: PlanCounts): { created: number; updated: number; unchanged: number; deleted?: number } {
  return {
    created: c.created,
    updated: c.updated,
    unchanged: c.unchanged,
    ...(c.deleted ? { deleted: c.deleted } : {}),
  };
}

/** Scaffolded files the manifest no longer wires in: kept (they are the user's) and named. */
export function unusedPaths(plan: Plan): string[] {
  return plan.entries.filter((e) => e.action === "orphan").map((e) => e.path);
}

/**
 * The `error` object of a failed answer; every error carries a hint (the code's general one if need
 * be). `location` is the interface's name of the error's place (an error keyed by a parameter is
 * named "--port" on the command line, "port" in a tool call).
 */
export function errorFields(error: FastdaprError, location: string | undefined = error.location): ErrorAnswer["error"] {
  return {
    code: error.code as ErrorAnswer["error"]["code"],
    message: error.message,
    ...(location ? { location } : {}),
    hint: hintFor(error.code, error.hint),
  };
}

/** At most this many problems are listed (a fuzzed manifest can have thousands), the error first. */
export const MAX_SHOWN_PROBLEMS = 10;

/** An error's problems as the answer carries them: left out when there are fewer than `min` (only the error). */
export function problemFields(problems: readonly Problem[] | undefined, min = 2): { problems?: Problem[] } {
  if (!problems || problems.length < min) return {};
  return { problems: problems.slice(0, MAX_SHOWN_PROBLEMS).map((p) => ({ code: p.code, message: p.message, location: p.location, ...(p.hint ? { hint: p.hint } : {}) })) };
}

/** The answer of a command that threw. */
export function errorAnswer(command: string, error: FastdaprError, location: string | undefined = error.location): ErrorAnswer {
  return { ok: false, command, error: errorFields(error, location), ...problemFields(error.problems) };
}

/** Anything a command threw, as the user error it is: a FastdaprError, a file-system error, else a fastdapr bug (E_INTERNAL). */
export function userError(error: unknown): FastdaprError {
  if (error instanceof FastdaprError) return error;
  const user = fsUserError(error);
  if (user) return user;
  return new FastdaprError("E_INTERNAL", `internal error: ${(error as Error).message}`, {
    hint: "this is a fastdapr bug; rerun with FASTDAPR_DEBUG=1 for details and report it",
    exitCode: EXIT.internal,
  });
}

/** `generate --check` or `check` found files that differ from what the manifest produces: exit 1, E_DRIFT. */
export function driftError(plan: Plan, manifest: string): FastdaprError {
  const drifted = plan.entries.filter((e) => !["unchanged", "keep", "orphan"].includes(e.action)).map((e) => e.path);
  const c = countPlan(plan);
  const parts = [
    c.created && `${c.created} missing`,
    c.updated && `${c.updated} outdated`,
    c.deleted && `${c.deleted} no longer generated`,
    c.conflicts && `${c.conflicts} edited by hand`,
  ].filter(Boolean);
  return new FastdaprError(
    "E_DRIFT",
    `the files differ from what ${manifest} produces (${parts.join(", ")}): ${drifted.slice(0, 3).join(", ")}${drifted.length > 3 ? ", …" : ""}`,
    {
      location: drifted[0] ?? manifest,
      hint: c.conflicts
        ? "move the hand edits into fastdapr.yaml or a scaffolded file, then run fastdapr generate (--force overwrites them)"
        : "run fastdapr generate (--dry-run shows the diffs)",
      exitCode: EXIT.checkFailed,
    },
  );
}

/** Drift counts as `generate --check` reports them, clean or not. */
export function driftCounts(plan: Plan): { created: number; updated: number; deleted: number; conflicts: number } {
  const c = countPlan(plan);
  return { created: c.created, updated: c.updated, deleted: c.deleted, conflicts: c.conflicts };
}
