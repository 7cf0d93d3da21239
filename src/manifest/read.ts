// Finding and reading a manifest file: --manifest as given, or the nearest fastdapr.yaml up; only a
// regular file of bounded size is read, and every way of not finding one is one error, worded once.
import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { EXIT, FastdaprError } from "../core/errors.js";
import { findManifestAbove, MANIFEST_FILE } from "./find.js";

export function manifestError(code: string, message: string, location: string, hint?: string): FastdaprError {
  return new FastdaprError(code, message, { location, exitCode: EXIT.badInput, ...(hint ? { hint } : {}) });
}

/** A manifest larger than this is refused before it is read (LearnFlow's is about 10 KB). */
/** The fix for a manifest not found, wherever the error is described (src/app/error-codes.ts too). */
export const MANIFEST_NOT_FOUND_HINT = 'run "fastdapr init <name>" to create one, cd into the platform folder, or pass --manifest PATH';

export const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The manifest a command works on: `given` (--manifest) as is, otherwise fastdapr.yaml in `cwd` or
 * the nearest parent folder that has one, as git finds its repository; the file in `cwd` when none does.
 */
export function locateManifest(cwd: string, given?: string): string {
  if (given !== undefined) return resolve(cwd, given);
  return findManifestAbove(cwd) ?? join(resolve(cwd), MANIFEST_FILE);
}

/**
 * The text of a manifest file, `shown` (its path for messages) in every error. Only a regular file
 * of at most MAX_MANIFEST_BYTES is read: a folder, a device (/dev/zero) or a pipe is refused first.
 */
export function readManifestText(file: string, shown: string, searched = false): string {
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    throw manifestError("E_MANIFEST_NOT_FOUND", searched ? `no ${MANIFEST_FILE} in this folder or any folder above it` : `no manifest at ${shown}`, shown, MANIFEST_NOT_FOUND_HINT);
  }
  if (stat.isDirectory()) {
    throw manifestError("E_MANIFEST_FILE", `${shown} is a folder, not a manifest file`, shown, `pass the manifest in it: --manifest ${join(shown, MANIFEST_FILE)}`);
  }
  if (!stat.isFile()) {
    throw manifestError("E_MANIFEST_FILE", `${shown} is not a regular file (a device, a pipe or a socket)`, shown, "pass the path of a fastdapr.yaml file");
  }
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_MANIFEST_BYTES) {
      throw manifestError(
        "E_MANIFEST_FILE",
        `${shown} is ${size} bytes; a manifest may have at most ${MAX_MANIFEST_BYTES} (${MAX_MANIFEST_BYTES / 2 ** 20} MiB)`,
        shown,
        "pass the platform's fastdapr.yaml; split a platform that outgrew it",
      );
    }
    const buffer = Buffer.alloc(size);
    const read = readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The manifest's name in messages: as the user gave it, else relative to the working directory. */
export function manifestShown(cwd: string, file: string, given?: string): string {
  return given ?? (relative(cwd, file) || MANIFEST_FILE);
}
