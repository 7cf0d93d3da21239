// Path confinement: nothing fastdapr writes or deletes may land outside the project root,
// whether through "..", an absolute path or a symlink pointing out.
import { existsSync, lstatSync, realpathSync } from "node:fs";
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
