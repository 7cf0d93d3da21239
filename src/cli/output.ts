// Everything the CLI prints goes through here: a short human summary, or exactly one JSON line.
import { FastdaprError } from "../core/errors.js";
import { conflictDiff, entryDiff, type Plan, type PlanCounts } from "../tree/plan.js";
import { ConflictError } from "../generate/apply.js";

export interface Output {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  };
}

/** One line of JSON: the whole answer an agent reads back. */
export function printJson(output: Output, value: object): void {
  output.out(JSON.stringify(value));
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
export function countFields(c: PlanCounts): Record<string, number> {
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

export function printError(output: Output, command: string, error: FastdaprError): void {
  if (output.json) {
    printJson(output, {
      ok: false,
      command,
      error: {
        code: error.code,
        message: error.message,
        ...(error.location ? { location: error.location } : {}),
        ...(error.hint ? { hint: error.hint } : {}),
      },
    });
    return;
  }
  output.err(`error: ${error.message}${error.location ? ` (${error.location})` : ""}`);
  if (error instanceof ConflictError) {
    for (const entry of error.conflicts) output.err(conflictDiff(entry));
  }
  if (error.hint) output.err(`hint: ${error.hint}`);
}
