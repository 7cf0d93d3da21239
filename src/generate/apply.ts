// Plan a rendered tree against a folder and, unless it is a dry run, commit it: the last two steps
// of the pipeline, shared by every command that writes files.
import { existsSync, rmSync } from "node:fs";
import { EXIT, FastdaprError } from "../core/errors.js";
import { clearLeftovers, commitPlan, withRunLock } from "../tree/commit.js";
import { hasInterruptedCommit, recoverInterrupted, refuseInterrupted, type Recovery } from "../tree/journal.js";
import { parseLock, readLockText, serializeLock } from "../tree/lock.js";
import { countPlan, planTree, type Plan, type PlanCounts, type PlanEntry } from "../tree/plan.js";
import type { Tree } from "../tree/tree.js";
import { GENERATOR } from "../core/version.js";

export interface ApplyOptions {
  dryRun?: boolean;
  force?: boolean;
}

export interface ApplyResult {
  plan: Plan;
  counts: PlanCounts;
  committed: boolean;
  /** A commit an earlier run left half-done (killed), put in order before this one. */
  recovered?: Recovery;
}

/** Raised when writing would destroy a user's edit; carries the entries so the CLI can show diffs. */
export class ConflictError extends FastdaprError {
  constructor(readonly conflicts: PlanEntry[]) {
    const names = conflicts.map((c) => c.path);
    super(
      "E_CONFLICT",
      `${conflicts.length} generated file${conflicts.length === 1 ? " was" : "s were"} edited by hand: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`,
      {
        location: names[0] ?? ".",
        hint: "move the change into fastdapr.yaml or a scaffolded file (handlers, routes, prompts), then run again; --force overwrites the edits",
        exitCode: EXIT.checkFailed,
      },
    );
  }
}

/** No file changes and the lock would be rewritten byte for byte: touch nothing at all. */
function nothingToWrite(plan: Plan, lockText: string | null): boolean {
  if (plan.entries.some((e) => e.action === "create" || e.action === "update" || e.action === "delete")) return false;
  return lockText === serializeLock(plan.lock);
}

/** The plan, with the lock file's text it was made from (read once, used for both). */
function planWithLockText(root: string, tree: Tree, options: ApplyOptions): { plan: Plan; lockText: string | null } {
  clearLeftovers(root);
  refuseInterrupted(root);
  const lockText = readLockText(root);
  const lock = lockText === null ? null : parseLock(lockText);
  return { plan: planTree(root, tree, lock, { force: options.force ?? false, generator: GENERATOR }), lockText };
}

export function planFor(root: string, tree: Tree, options: ApplyOptions = {}): Plan {
  return planWithLockText(root, tree, options).plan;
}

export async function applyTree(root: string, tree: Tree, options: ApplyOptions = {}): Promise<ApplyResult> {
  // a run killed mid-commit left its journal: undo (or finish) it before looking at the files
  let recovered: Recovery | null = null;
  if (!options.dryRun && hasInterruptedCommit(root)) recovered = await withRunLock(root, async () => recoverInterrupted(root));
  const first = planWithLockText(root, tree, options);
  let plan = first.plan;
  const conflicts = plan.entries.filter((e) => e.action === "conflict");
  if (options.dryRun) return { plan, counts: countPlan(plan), committed: false };
  if (conflicts.length > 0) throw new ConflictError(conflicts);
  if (nothingToWrite(plan, first.lockText)) return { plan, counts: countPlan(plan), committed: false, ...(recovered ? { recovered } : {}) };

  const rootExisted = existsSync(root);
  try {
    await withRunLock(root, async () => {
      // plan again under the lock: the folder may have changed since the first look
      recovered = recoverInterrupted(root) ?? recovered;
      plan = planFor(root, tree, options);
      const late = plan.entries.filter((e) => e.action === "conflict");
      if (late.length > 0) throw new ConflictError(late);
      await commitPlan(plan);
    });
  } catch (error) {
    // a project folder this run created must not stay behind half-made
    if (!rootExisted) rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return { plan, counts: countPlan(plan), committed: true, ...(recovered ? { recovered } : {}) };
}
