// Everything the CLI prints goes through here: a short human summary, or exactly one JSON line.
import { EXIT, FastdaprError, type Problem } from "../core/errors.js";
import { conflictDiff, countPlan, entryDiff, type Plan, type PlanCounts } from "../tree/plan.js";
import { ConflictError } from "../generate/apply.js";
import type { Answer, Warning } from "./answers.js";
import { hintFor } from "./error-codes.js";
import type { Output } from "./console.js";

export { consoleOutput, type Output } from "./console.js";

/** One line of JSON: the whole answer an agent reads back (its shape is the contract in answers.ts). */
export function printJson(output: Output, answer: Answer): void {
  output.out(JSON.stringify(answer));
}

/** Warnings as the JSON answers carry them: the field is left out when there are none. */
export function warningFields(warnings: readonly Warning[]): { warnings?: Warning[] } {
  return warnings.length ? { warnings: warnings.map((w) => ({ code: w.code, message: w.message, location: w.location })) } : {};
}

export function countsSummary(c: PlanCounts): string {
  const parts = [`${c.created} created`, `${c.updated} updated`, `${c.unchanged} unchanged`];
  if (c.deleted) parts.push(`${c.deleted} deleted`);
  if (c.kept) parts.push(`${c.kept} kept`);
  if (c.orphaned) parts.push(`${c.orphaned} no longer used`);
  if (c.conflicts) parts.push(`${c.conflicts} conflicts`);
  return parts.join(", ");
}

/** The counts every writing command reports under --json (zeros of the rarer ones left out). */
export function countFields(c: PlanCounts): { created: number; updated: number; unchanged: number; deleted?: number } {
  return {
    created: c.created,
    updated: c.updated,
    unchanged: c.unchanged,
    ...(c.deleted ? { deleted: c.deleted } : {}),
  };
}

/** Tells that an earlier run's interrupted commit was undone or finished first (journal.ts). */
export function printRecovery(output: Output, recovered: string | undefined): void {
  if (recovered) output.err(`note: an earlier fastdapr run was stopped while writing files; its changes were ${recovered === "completed" ? "completed" : "rolled back"} first`);
}

/** Scaffolded files the manifest no longer wires in: kept (they are the user's) and named. */
export function unusedPaths(plan: Plan): string[] {
  return plan.entries.filter((e) => e.action === "orphan").map((e) => e.path);
}

export function printUnused(output: Output, plan: Plan): void {
  for (const path of unusedPaths(plan)) output.out(`  no longer used (kept, yours): ${path}`);
}

/** A dry run's human answer: the plan with its diffs, then one summary line. */
export function printDryRun(output: Output, path: string, plan: Plan, counts: PlanCounts): void {
  printPlan(output, plan);
  output.out(`dry run: ${path}/ would have ${countsSummary(counts)}; nothing was written`);
}

/** The dry-run listing: every path that would change, with unified diffs for updates. */
export function printPlan(output: Output, plan: Plan): void {
  const label: Record<string, string> = {
    create: "create",
    update: "update",
    delete: "delete",
    conflict: "CONFLICT",
    orphan: "unused",
  };
  for (const entry of plan.entries) {
    const word = label[entry.action];
    if (!word) continue;
    output.out(`${word.padEnd(8)} ${entry.path}${entry.conflict ? ` (${entry.conflict})` : ""}`);
    if (entry.action === "conflict") output.out(conflictDiff(entry));
    else if (entry.action === "update" || entry.action === "delete") output.out(entryDiff(entry));
  }
}

/** The `error` object of a failed answer; every error carries a hint (the code's general one if need be). */
export function errorFields(error: FastdaprError): Extract<Answer, { ok: false }>["error"] {
  return {
    code: error.code as Extract<Answer, { ok: false }>["error"]["code"],
    message: error.message,
    ...(error.location ? { location: error.location } : {}),
    hint: hintFor(error.code, error.hint),
  };
}

/** At most this many problems are listed (a fuzzed manifest can have thousands), the error first. */
export const MAX_SHOWN_PROBLEMS = 10;

/** An error's problems as the JSON answer carries them: left out when there are fewer than `min` (only the error). */
export function problemFields(problems: readonly Problem[] | undefined, min = 2): { problems?: Problem[] } {
  if (!problems || problems.length < min) return {};
  return { problems: problems.slice(0, MAX_SHOWN_PROBLEMS).map((p) => ({ code: p.code, message: p.message, location: p.location, ...(p.hint ? { hint: p.hint } : {}) })) };
}

/** Every problem for a person, one error and hint line each; the rest counted past the cap. */
export function printProblems(output: Output, problems: readonly Problem[]): void {
  for (const p of problems.slice(0, MAX_SHOWN_PROBLEMS)) {
    output.err(`error: ${p.message} (${p.location})`);
    if (p.hint) output.err(`hint: ${p.hint}`);
  }
  if (problems.length > MAX_SHOWN_PROBLEMS) output.err(`… and ${problems.length - MAX_SHOWN_PROBLEMS} more problems`);
}

export function printError(output: Output, command: string, error: FastdaprError): void {
  if (output.json) {
    printJson(output, { ok: false, command, error: errorFields(error), ...problemFields(error.problems) });
    return;
  }
  if (error.problems && error.problems.length > 1) {
    printProblems(output, error.problems);
    return;
  }
  output.err(`error: ${error.message}${error.location ? ` (${error.location})` : ""}`);
  if (error instanceof ConflictError) {
    for (const entry of error.conflicts) output.err(conflictDiff(entry));
  }
  output.err(`hint: ${hintFor(error.code, error.hint)}`);
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
  return new FastdaprError("E_DRIFT", `the files differ from what ${manifest} produces (${parts.join(", ")}): ${drifted.slice(0, 3).join(", ")}${drifted.length > 3 ? ", …" : ""}`, {
    location: drifted[0] ?? manifest,
    hint: c.conflicts
      ? "move the hand edits into fastdapr.yaml or a scaffolded file, then run fastdapr generate (--force overwrites them)"
      : "run fastdapr generate (--dry-run shows the diffs)",
    exitCode: EXIT.checkFailed,
  });
}

/** Platform warnings for a person, on stderr: one line each, with the manifest location. */
export function printWarnings(output: Output, warnings: readonly Warning[]): void {
  for (const w of warnings) output.err(`warning: ${w.message} (${w.location})`);
}

/** Drift counts as `generate --check` reports them, clean or not. */
export function driftCounts(plan: Plan): { created: number; updated: number; deleted: number; conflicts: number } {
  const c = countPlan(plan);
  return { created: c.created, updated: c.updated, deleted: c.deleted, conflicts: c.conflicts };
}

/**
 * Reports drift: under --json the E_DRIFT error line with `extra` (the counts an agent acts on),
 * otherwise the plan with its diffs and a summary on stdout, then the error on stderr.
 */
export function printDrift(output: Output, command: "generate" | "check", plan: Plan, manifest: string, extra: Record<string, unknown>): void {
  const error = driftError(plan, manifest);
  if (output.json) {
    printJson(output, { ok: false, command, error: errorFields(error), ...extra } as Answer);
    return;
  }
  printPlan(output, plan);
  output.out(`drift: ${countsSummary(countPlan(plan))}; run fastdapr generate`);
  printError(output, command, error);
}
