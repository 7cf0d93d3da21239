// File-system failures that are the machine's or the user's doing, not fastdapr's: a full disk, a
// folder one may not write, a file where a folder is needed, a name too long. They become user
// errors (exit 2) that name the path and the fix, instead of "a fastdapr bug" (exit 70). Writing
// commands roll back before the error reaches here, so "nothing was changed" holds.
import { relative } from "node:path";
import { FastdaprError } from "./errors.js";

interface Meaning {
  code: "E_DISK_FULL" | "E_PERMISSION" | "E_BAD_PATH";
  reason: string;
  hint: string;
}

const MEANINGS: Record<string, Meaning> = {
  ENOSPC: { code: "E_DISK_FULL", reason: "no space left on the device", hint: "free some disk space, then run the command again" },
  EDQUOT: { code: "E_DISK_FULL", reason: "the disk quota is used up", hint: "free some of your quota, then run the command again" },
  EACCES: { code: "E_PERMISSION", reason: "permission denied", hint: "run it in a folder you may write, or fix the folder's permissions" },
  EPERM: { code: "E_PERMISSION", reason: "operation not permitted", hint: "run it in a folder you may write, or fix the folder's permissions" },
  EROFS: { code: "E_PERMISSION", reason: "the file system is read-only", hint: "run it on a writable file system" },
  ENOTDIR: { code: "E_BAD_PATH", reason: "a part of the path is a file, not a folder", hint: "give a path whose parents are folders" },
  EISDIR: { code: "E_BAD_PATH", reason: "it is a folder, not a file", hint: "give the path of a file" },
  ENAMETOOLONG: {
    code: "E_BAD_PATH",
    reason: "a name in the path is too long for the file system",
    hint: "use shorter names (see the limits in docs/manifest.md of the fastdapr package)",
  },
  ELOOP: { code: "E_BAD_PATH", reason: "the path loops through symlinks", hint: "replace the symlinks with real folders" },
};

/** The user error a Node file-system error stands for, or undefined when it is not one of those. */
export function fsUserError(error: unknown, cwd = process.cwd()): FastdaprError | undefined {
  const e = error as NodeJS.ErrnoException;
  const meaning = typeof e?.code === "string" ? MEANINGS[e.code] : undefined;
  if (!meaning) return undefined;
  const path = typeof e.path === "string" ? relative(cwd, e.path) || "." : undefined;
  return new FastdaprError(meaning.code, `${path ? `${path}: ` : ""}${meaning.reason}; nothing was changed`, {
    ...(path ? { location: path } : {}),
    hint: meaning.hint,
  });
}
