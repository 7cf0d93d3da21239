// Path confinement: nothing fastdapr writes or deletes may land outside the project root,
// whether through "..", an absolute path or a symlink pointing out.
import { existsSync, lstatSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve, sep, posix } from "node:path";
import { FastdaprError } from "../core/errors.js";

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * What one pass over many paths of a project (a plan, the staging, the swap) learnt about their
 * folders: the real path of each folder that exists, null for one that does not. A platform has
 * thousands of files in a few hundred folders; without it every file re-walked its folders with a
 * stat each. Only folders are kept, never the file itself, which is looked at on every call. A
 * folder the pass creates after it was recorded missing resolves to the same real path either way
 * (fastdapr creates real folders, not symlinks), so a cache stays right for the pass that made it.
 */
export interface FolderCache {
  real: Map<string, string | null>;
  /**
   * The pass creates no folder in the project (a plan, the staging): a file in a folder recorded
   * missing is missing too, and is not looked up.
   */
  readOnly: boolean;
}

export function folderCache(readOnly: boolean): FolderCache {
  return { real: new Map(), readOnly };
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realPathOfNearest(path: string, cache?: FolderCache): string {
  let current = path;
  const rest: string[] = [];
  const walked: string[] = [];
  let real: string | undefined;
  for (;;) {
    const known = cache?.real.get(current);
    if (known) {
      real = known;
      break;
    }
    if (known === undefined && existsSync(current)) break;
    walked.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    rest.unshift(current.slice(parent.length + 1));
    current = parent;
  }
  if (real === undefined) {
    real = realpathSync(current);
    cache?.real.set(current, real);
  }
  if (cache) for (const missing of walked) cache.real.set(missing, null);
  return resolve(real, ...rest);
}

/** Resolves a user-supplied folder and refuses one outside `base` (the working directory). */
export function confineUserPath(base: string, userPath: string, location: string): string {
  const target = resolve(base, userPath);
  const realBase = realpathSync(base);
  if (!isInside(base, target) || !isInside(realBase, realPathOfNearest(target))) {
    throw new FastdaprError("E_UNSAFE_PATH", `"${userPath}" is outside the working directory ${base}`, {
      location,
      hint: "give a folder inside the current directory, or cd to where the project should live",
    });
  }
  return target;
}

/**
 * confineUserPath for a folder fastdapr creates or writes into: the path, or the nearest part of it
 * that exists, must be a folder ("--out notes.txt" is refused here, not by a failing mkdir).
 */
export function confineUserFolder(base: string, userPath: string, location: string): string {
  const target = confineUserPath(base, userPath, location);
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    const shown = relative(base, existing) || ".";
    throw new FastdaprError("E_BAD_PATH", `"${userPath}" is not a folder: ${shown} is a file`, {
      location,
      hint: `give a folder there (${shown} is in the way)`,
    });
  }
  return target;
}

/** Checks a project-relative POSIX path from the tree or the lock file before any I/O uses it. */
export function confineProjectPath(root: string, relPath: string, cache?: FolderCache): string {
  return confineProjectEntry(root, relPath, cache).path;
}

/**
 * confineProjectPath, with what the check found on disk: the entry's lstat, undefined when there is
 * none (callers that read the file need no second stat). Same checks, same errors.
 */
export function confineProjectEntry(root: string, relPath: string, cache?: FolderCache): { path: string; stat: Stats | undefined } {
  const normal = posix.normalize(relPath);
  if (relPath.length === 0 || posix.isAbsolute(relPath) || isAbsolute(relPath) || normal === ".." || normal.startsWith("../") || relPath.includes("\0")) {
    throw new FastdaprError("E_UNSAFE_PATH", `refusing path "${relPath}": it would leave the project root`, {
      location: relPath,
      hint: "paths in the plan and in .fastdapr/lock.json must stay inside the project",
    });
  }
  const full = resolve(root, normal);
  const realRoot = realPathOfNearest(root, cache);
  // one lstat tells whether the entry exists and is a link; a link (even a dangling one) is
  // resolved the long way, anything else lies where its real folder does
  let stat: Stats | undefined;
  let real: string;
  if (full === root) {
    stat = lstatSync(full, { throwIfNoEntry: false });
    real = realPathOfNearest(full);
  } else {
    const dir = dirname(full);
    const realDir = realPathOfNearest(dir, cache);
    stat = cache?.readOnly && cache.real.get(dir) === null ? undefined : lstatSync(full, { throwIfNoEntry: false });
    real = stat?.isSymbolicLink() ? realPathOfNearest(full) : resolve(realDir, basename(full));
  }
  const link = stat?.isSymbolicLink() ?? false;
  if (!isInside(root, full) || !isInside(realRoot, real)) {
    throw new FastdaprError("E_UNSAFE_PATH", `refusing path "${relPath}": a symlink leads outside the project root`, {
      location: relPath,
      hint: "replace the symlink with a real folder inside the project",
    });
  }
  if (link && existsSync(full)) {
    throw new FastdaprError("E_UNSAFE_PATH", `refusing to write through the symlink "${relPath}"`, {
      location: relPath,
      hint: "remove the symlink; fastdapr writes regular files only",
    });
  }
  return { path: full, stat };
}
