// Applies a plan all or nothing: new contents are staged on the same filesystem, existing files
// are moved aside, staged files are renamed into place, and the lock file is replaced last. Any
// error or SIGINT before the end puts every moved file back, so the previous tree survives intact.
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { EXIT, FastdaprError } from "../core/errors.js";
import { LOCK_FILE, STATE_DIR, serializeLock } from "./lock.js";
import { confineProjectPath } from "./paths.js";
import type { Plan } from "./plan.js";

const RUN_LOCK = `${STATE_DIR}/run.lock`;

class Interrupted extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Holds `.fastdapr/run.lock` for the duration of `fn`, so two fastdapr runs on one folder are
 * refused rather than interleaved. A lock left by a process that no longer exists is taken over.
 */
export async function withRunLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const path = confineProjectPath(root, RUN_LOCK);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(path, "utf8").trim());
      if (attempt === 0 && !(owner > 0 && processAlive(owner))) {
        rmSync(path, { force: true }); // stale: its process is gone
        continue;
      }
      throw new FastdaprError("E_BUSY", `another fastdapr run (pid ${owner}) is working on this folder`, {
        location: RUN_LOCK,
        hint: "wait for it to finish; if no fastdapr is running, delete the file",
        exitCode: EXIT.busy,
      });
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/** Test hook: FASTDAPR_FAIL_AFTER=N makes the commit fail after N files were moved into place. */
function failAfter(): number {
  const value = process.env.FASTDAPR_FAIL_AFTER;
  return value === undefined ? Number.POSITIVE_INFINITY : Number(value);
}

/** Makes the parent folders of `file` inside `root`, remembering which ones it created. */
function ensureParent(root: string, file: string, created: string[]): void {
  const missing: string[] = [];
  for (let dir = dirname(file); dir !== root && !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    mkdirSync(dir);
    created.push(dir);
  }
}

export async function commitPlan(plan: Plan): Promise<void> {
  const root = plan.root;
  const writes = plan.entries.filter((e) => e.action === "create" || e.action === "update");
  const deletes = plan.entries.filter((e) => e.action === "delete");
  if (plan.entries.some((e) => e.action === "conflict")) {
    throw new Error("internal: a plan with conflicts reached commit");
  }
  mkdirSync(root, { recursive: true });
  const work = confineProjectPath(root, `${STATE_DIR}/txn-${process.pid}`);
  const staging = join(work, "new");
  const backup = join(work, "old");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  mkdirSync(backup, { recursive: true });

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  // yield to the event loop between steps, so a SIGINT is seen mid-commit and rolls it back
  const checkpoint = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (interrupted) throw new Interrupted("interrupted");
  };

  // 1. stage: every byte to be written exists on disk before anything is replaced
  const staged = new Map<string, string>();
  writes.forEach((entry, index) => {
    const target = confineProjectPath(root, entry.path);
    const tmp = join(staging, String(index));
    writeFileSync(tmp, entry.content!);
    if (entry.executable) chmodSync(tmp, 0o755);
    staged.set(target, tmp);
  });
  const lockTmp = join(staging, "lock.json");
  writeFileSync(lockTmp, serializeLock(plan.lock));

  // 2. swap, recording every step so it can be undone
  const movedAside: { target: string; saved: string }[] = [];
  const placed: string[] = [];
  const createdDirs: string[] = [];
  const limit = failAfter();
  try {
    let n = 0;
    for (const entry of [...writes, ...deletes]) {
      await checkpoint();
      const target = confineProjectPath(root, entry.path);
      if (existsSync(target)) {
        const saved = join(backup, String(movedAside.length));
        renameSync(target, saved);
        movedAside.push({ target, saved });
      }
      const tmp = staged.get(target);
      if (tmp) {
        ensureParent(root, target, createdDirs);
        renameSync(tmp, target);
        placed.push(target);
      }
      if (++n >= limit) throw new Error(`FASTDAPR_FAIL_AFTER=${limit}: simulated failure`);
    }
    await checkpoint();
    const lockPath = confineProjectPath(root, LOCK_FILE);
    ensureParent(root, lockPath, createdDirs);
    renameSync(lockTmp, lockPath);
  } catch (error) {
    for (const target of placed.reverse()) rmSync(target, { force: true });
    for (const { target, saved } of movedAside.reverse()) renameSync(saved, target);
    for (const dir of createdDirs.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty: something else lives there now; leave it
      }
    }
    rmSync(work, { recursive: true, force: true });
    process.off("SIGINT", onSigint);
    if (error instanceof Interrupted) {
      throw new FastdaprError("E_INTERRUPTED", "interrupted: nothing was changed", {
        location: relative(process.cwd(), root) || ".",
        hint: "run the command again",
        exitCode: EXIT.checkFailed,
      });
    }
    throw error;
  }
  process.off("SIGINT", onSigint);
  rmSync(work, { recursive: true, force: true });
  // folders emptied by deletes go too, so removing a service leaves no empty skeleton behind
  for (const entry of deletes) {
    for (let dir = dirname(join(root, entry.path)); dir !== root; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
    }
  }
}
