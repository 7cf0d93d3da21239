// Compares the in-memory tree with the disk and the lock file, and decides for every path what
// a commit would do. Pure reads: nothing is written here.
import { readFileSync, statSync } from "node:fs";
import { createTwoFilesPatch } from "diff";
import { confineProjectEntry, folderCache, type FolderCache } from "./paths.js";
import { emptyLock, sha256, type LockFile } from "./lock.js";
import type { Owner, Tree, TreeFile } from "./tree.js";

export type Action =
  | "create" // not on disk yet (or a deleted generated file, recreated)
  | "update" // generated, changed since the last run, untouched by the user
  | "unchanged" // already exactly what would be written
  | "delete" // generated, no longer asked for, untouched by the user
  | "keep" // scaffolded and already there: the user's file now
  | "orphan" // scaffolded, no longer wired in; kept, and reported
  | "conflict"; // would destroy something the user wrote; refused unless --force

export type ConflictKind = "edited" | "foreign" | "edited-orphan";

export interface PlanEntry {
  path: string;
  action: Action;
  owner: Owner;
  /** What would be written (create/update, and conflicts that --force would overwrite). */
  content?: string;
  /** What is on disk now (update/delete/conflict). */
  current?: string;
  conflict?: ConflictKind;
  executable?: boolean;
}

export interface Plan {
  root: string;
  entries: PlanEntry[];
  /** The lock file as it will be after a successful commit. */
  lock: LockFile;
}

export interface PlanOptions {
  force?: boolean;
  generator: string;
}

/** The text of a project file, undefined when there is no regular file at `relPath`. */
function readIfFile(root: string, relPath: string, folders: FolderCache): string | undefined {
  const { path, stat } = confineProjectEntry(root, relPath, folders);
  if (stat === undefined) return undefined;
  // a link that confinement let through (a dangling one) is read as what it points to, as before
  if (stat.isSymbolicLink() ? !statSync(path, { throwIfNoEntry: false })?.isFile() : !stat.isFile()) return undefined;
  return readFileSync(path, "utf8");
}

function planFile(root: string, file: TreeFile, lock: LockFile | null, force: boolean, folders: FolderCache): PlanEntry {
  const current = readIfFile(root, file.path, folders);
  const locked = lock?.files[file.path];
  const base = { path: file.path, owner: file.owner, ...(file.executable ? { executable: true } : {}) };
  if (current === undefined) return { ...base, action: "create", content: file.content };
  if (file.owner === "scaffolded") {
    if (file.rewrite && current !== file.content) return { ...base, action: "update", content: file.content, current };
    return { ...base, action: "keep", current };
  }
  if (current === file.content) return { ...base, action: "unchanged" };
  const untouched = locked !== undefined && locked.owner === "generated" && locked.sha256 === sha256(current);
  if (untouched || force) return { ...base, action: "update", content: file.content, current };
  return { ...base, action: "conflict", conflict: locked ? "edited" : "foreign", content: file.content, current };
}

export function planTree(root: string, tree: Tree, lock: LockFile | null, options: PlanOptions): Plan {
  const force = options.force ?? false;
  const folders = folderCache(true);
  const entries: PlanEntry[] = tree.list().map((file) => planFile(root, file, lock, force, folders));
  const wanted = new Set(entries.map((e) => e.path));

  for (const [path, locked] of Object.entries(lock?.files ?? {})) {
    if (wanted.has(path)) continue;
    const current = readIfFile(root, path, folders);
    if (current === undefined) continue; // already gone: it simply leaves the lock
    if (locked.owner === "scaffolded") {
      entries.push({ path, owner: "scaffolded", action: "orphan", current });
    } else if (locked.sha256 === sha256(current) || force) {
      entries.push({ path, owner: "generated", action: "delete", current });
    } else {
      entries.push({ path, owner: "generated", action: "conflict", conflict: "edited-orphan", current });
    }
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, entries, lock: nextLock(entries, lock, tree, options.generator) };
}

function nextLock(entries: PlanEntry[], previous: LockFile | null, tree: Tree, generator: string): LockFile {
  const lock = emptyLock(generator);
  for (const entry of entries) {
    const before = previous?.files[entry.path];
    switch (entry.action) {
      case "create":
      case "update":
        lock.files[entry.path] = { owner: entry.owner, sha256: sha256(entry.content!) };
        break;
      case "unchanged":
        lock.files[entry.path] = { owner: entry.owner, sha256: sha256(tree.get(entry.path)!.content) };
        break;
      case "keep":
      case "orphan":
        // the user's file: remember that it is scaffolded, so it is reported (never deleted) later
        lock.files[entry.path] = before ?? { owner: "scaffolded", sha256: sha256(entry.current!) };
        break;
      case "conflict":
        if (before) lock.files[entry.path] = before;
        break;
      case "delete":
        break;
    }
  }
  return lock;
}

export interface PlanCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  kept: number;
  orphaned: number;
  conflicts: number;
}

export function countPlan(plan: Plan): PlanCounts {
  const count = (action: Action) => plan.entries.filter((e) => e.action === action).length;
  return {
    created: count("create"),
    updated: count("update"),
    unchanged: count("unchanged"),
    deleted: count("delete"),
    kept: count("keep"),
    orphaned: count("orphan"),
    conflicts: count("conflict"),
  };
}

/** True when committing would change nothing on disk (what `--check` gates on). */
export function isClean(plan: Plan): boolean {
  return plan.entries.every((e) => e.action === "unchanged" || e.action === "keep" || e.action === "orphan");
}

/** A unified diff of one entry: disk → what fastdapr would write (empty for deletes). */
export function entryDiff(entry: PlanEntry): string {
  const before = entry.current ?? "";
  const after = entry.action === "delete" ? "" : (entry.content ?? "");
  const from = entry.current === undefined ? "/dev/null" : `a/${entry.path}`;
  const to = entry.action === "delete" ? "/dev/null" : `b/${entry.path}`;
  return createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 })
    .split("\n")
    .slice(1) // drop the "====" separator line the library adds
    .join("\n");
}

/** For a conflict: what fastdapr would write → what the user has (their edit, as a diff). */
export function conflictDiff(entry: PlanEntry): string {
  const ours = entry.conflict === "edited-orphan" ? "" : (entry.content ?? "");
  const from = entry.conflict === "edited-orphan" ? "/dev/null" : `fastdapr/${entry.path}`;
  return createTwoFilesPatch(from, `yours/${entry.path}`, ours, entry.current ?? "", undefined, undefined, { context: 3 })
    .split("\n")
    .slice(1)
    .join("\n");
}
