// Path confinement: nothing fastdapr writes or deletes may land outside the project root,
// whether through "..", an absolute path or a symlink pointing out.
import { existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep, posix } from "node:path";
import { FastdaprError } from "../core/errors.js";

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realPathOfNearest(path: string): string {
  let current = path;
  const rest: string[] = [];
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    rest.unshift(current.slice(parent.length + 1));
    current = parent;
  }
  return resolve(realpathSync(current), ...rest);
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
export function confineProjectPath(root: string, relPath: string): string {
  const normal = posix.normalize(relPath);
  if (
    relPath.length === 0 ||
    posix.isAbsolute(relPath) ||
    isAbsolute(relPath) ||
    normal === ".." ||
    normal.startsWith("../") ||
    relPath.includes("\0")
  ) {
    throw new FastdaprError("E_UNSAFE_PATH", `refusing path "${relPath}": it would leave the project root`, {
      location: relPath,
      hint: "paths in the plan and in .fastdapr/lock.json must stay inside the project",
    });
  }
  const full = resolve(root, normal);
  const realRoot = realPathOfNearest(root);
  if (!isInside(root, full) || !isInside(realRoot, realPathOfNearest(full))) {
    throw new FastdaprError("E_UNSAFE_PATH", `refusing path "${relPath}": a symlink leads outside the project root`, {
      location: relPath,
      hint: "replace the symlink with a real folder inside the project",
    });
  }
  if (existsSync(full) && lstatSync(full).isSymbolicLink()) {
    throw new FastdaprError("E_UNSAFE_PATH", `refusing to write through the symlink "${relPath}"`, {
      location: relPath,
      hint: "remove the symlink; fastdapr writes regular files only",
    });
  }
  return full;
}
