// Everything the CLI prints goes through here: a short human summary, or exactly one JSON line.
// The answers themselves are built by the command layer (src/app); this file only prints them.
import type { FastdaprError, Problem } from "../core/errors.js";
import { conflictDiff, countPlan, entryDiff, type Plan, type PlanCounts } from "../tree/plan.js";
import { ConflictError } from "../generate/apply.js";
import { errorAnswer, MAX_SHOWN_PROBLEMS, unusedPaths } from "../app/answer.js";
import type { Answer, Warning } from "../app/answers.js";
import { hintFor } from "../app/error-codes.js";
import type { Output } from "./console.js";

export { consoleOutput, type Output } from "./console.js";

/** One line of JSON: the whole answer an agent reads back (its shape is the contract in answers.ts). */
export function printJson(output: Output, answer: Answer): void {
  output.out(JSON.stringify(answer));
}

export function countsSummary(c: PlanCounts): string {
  const parts = [`${c.created} created`, `${c.updated} updated`, `${c.unchanged} unchanged`];
  if (c.deleted) parts.push(`${c.deleted} deleted`);
  if (c.kept) parts.push(`${c.kept} kept`);
  if (c.orphaned) parts.push(`${c.orphaned} no longer used`);
  if (c.conflicts) parts.push(`${c.conflicts} conflicts`);
  return parts.join(", ");
}

/** Tells that an earlier run's interrupted commit was undone or finished first (journal.ts). */
export function printRecovery(output: Output, recovered: string | undefined): void {
  if (recovered) output.err(`note: an earlier fastdapr run was stopped while writing files; its changes were ${recovered === "completed" ? "completed" : "rolled back"} first`);
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
function printPlan(output: Output, plan: Plan): void {
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

/** Every problem for a person, one error and hint line each; the rest counted past the cap. */
export function printProblems(output: Output, problems: readonly Problem[]): void {
  for (const p of problems.slice(0, MAX_SHOWN_PROBLEMS)) {
    output.err(`error: ${p.message} (${p.location})`);
    if (p.hint) output.err(`hint: ${p.hint}`);
  }
  if (problems.length > MAX_SHOWN_PROBLEMS) output.err(`… and ${problems.length - MAX_SHOWN_PROBLEMS} more problems`);
}

/** A thrown error; `location` is the command line's name of its place (a parameter keyed error is "--port"). */
export function printError(output: Output, command: string, error: FastdaprError, location: string | undefined = error.location): void {
  if (output.json) {
    printJson(output, errorAnswer(command, error, location));
    return;
  }
  if (error.problems && error.problems.length > 1) {
    printProblems(output, error.problems);
    return;
  }
  output.err(`error: ${error.message}${location ? ` (${location})` : ""}`);
  if (error instanceof ConflictError) {
    for (const entry of error.conflicts) output.err(conflictDiff(entry));
  }
  output.err(`hint: ${hintFor(error.code, error.hint)}`);
}

/** Platform warnings for a person, on stderr: one line each, with the manifest location. */
export function printWarnings(output: Output, warnings: readonly Warning[]): void {
  for (const w of warnings) output.err(`warning: ${w.message} (${w.location})`);
}

/** Drift for a person: the plan with its diffs and a summary on stdout, then the E_DRIFT error on stderr. */
export function printDrift(output: Output, command: "generate" | "check", plan: Plan, error: FastdaprError): void {
  printPlan(output, plan);
  output.out(`drift: ${countsSummary(countPlan(plan))}; run fastdapr generate`);
  printError(output, command, error);
}
