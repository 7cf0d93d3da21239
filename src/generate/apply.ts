// Plan a rendered tree against a folder and, unless it is a dry run, commit it: the last two steps
// of the pipeline, shared by every command that writes files.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EXIT, FastdaprError } from "../core/errors.js";
import { commitPlan, withRunLock } from "../tree/commit.js";
import { LOCK_FILE, readLock, serializeLock } from "../tree/lock.js";
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
function nothingToWrite(root: string, plan: Plan): boolean {
  if (plan.entries.some((e) => e.action === "create" || e.action === "update" || e.action === "delete")) return false;
  const lockPath = join(root, LOCK_FILE);
  return existsSync(lockPath) && readFileSync(lockPath, "utf8") === serializeLock(plan.lock);
}

export function planFor(root: string, tree: Tree, options: ApplyOptions = {}): Plan {
  return planTree(root, tree, readLock(root), { force: options.force ?? false, generator: GENERATOR });
}

export async function applyTree(root: string, tree: Tree, options: ApplyOptions = {}): Promise<ApplyResult> {
  let plan = planFor(root, tree, options);
  const conflicts = plan.entries.filter((e) => e.action === "conflict");
  if (options.dryRun) return { plan, counts: countPlan(plan), committed: false };
  if (conflicts.length > 0) throw new ConflictError(conflicts);
  if (nothingToWrite(root, plan)) return { plan, counts: countPlan(plan), committed: false };

  const rootExisted = existsSync(root);
  try {
    await withRunLock(root, async () => {
      // plan again under the lock: the folder may have changed since the first look
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
  return { plan, counts: countPlan(plan), committed: true };
}
