// .fastdapr/lock.json: what fastdapr wrote, who owns it and the hash of what was written.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { FastdaprError } from "../core/errors.js";
import { confineProjectPath } from "./paths.js";
import type { Owner } from "./tree.js";

export const STATE_DIR = ".fastdapr";
export const LOCK_FILE = `${STATE_DIR}/lock.json`;
const LOCK_VERSION = 1;

export interface LockEntry {
  owner: Owner;
  sha256: string;
}

export interface LockFile {
  version: number;
  generator: string;
  files: Record<string, LockEntry>;
}

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

export function emptyLock(generator: string): LockFile {
  return { version: LOCK_VERSION, generator, files: {} };
}

/** The lock file's text, or null when the folder has none yet. */
export function readLockText(root: string): string | null {
  // confined like every path fastdapr writes: a symlinked .fastdapr/ must not carry the lock (or
  // the staging folder beside it) out of the project
  const path = confineProjectPath(root, LOCK_FILE);
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

export function parseLock(text: string): LockFile {
  try {
    const data = JSON.parse(text) as LockFile;
    if (data.version !== LOCK_VERSION || typeof data.files !== "object" || data.files === null) {
      throw new Error(`unsupported lock version ${String(data.version)}`);
    }
    return data;
  } catch (error) {
    throw new FastdaprError("E_LOCK_CORRUPT", `${LOCK_FILE} cannot be read: ${(error as Error).message}`, {
      location: LOCK_FILE,
      hint: "restore it from version control; fastdapr needs it to tell your edits from its own files",
    });
  }
}

export function readLock(root: string): LockFile | null {
  const text = readLockText(root);
  return text === null ? null : parseLock(text);
}

export function serializeLock(lock: LockFile): string {
  const files = Object.fromEntries(Object.entries(lock.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ ...lock, files }, null, 2)}\n`;
}
