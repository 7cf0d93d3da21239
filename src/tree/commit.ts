// Applies a plan all or nothing: new contents are staged on the same filesystem, every move is
// written to a journal, existing files are moved aside, staged files are renamed into place, and the
// lock file is replaced last. An error or SIGINT before the end puts every moved file back at once;
// after a SIGKILL or a crash the next run does it from the journal (journal.ts).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { EXIT, FastdaprError } from "../core/errors.js";
import { finish, missingDirs, newTransaction, removeDeadStaging, rollBack, writeJournal, type Journal } from "./journal.js";
import { currentOwner, formatOwner, ownerAlive, parseOwner, type Owner } from "./owner.js";
import { LOCK_FILE, STATE_DIR, serializeLock } from "./lock.js";
import { confineProjectEntry, confineProjectPath, folderCache } from "./paths.js";
import type { Plan } from "./plan.js";

const RUN_LOCK = `${STATE_DIR}/run.lock`;

class Interrupted extends Error {}

/** Moves between two looks at the event loop (for a SIGINT) during a commit's swap. */
const YIELD_EVERY = 16;

/**
 * Holds `.fastdapr/run.lock` for the duration of `fn`, so two fastdapr runs on one folder are
 * refused rather than interleaved. A lock left by a process that no longer runs is taken over.
 */
export async function withRunLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const path = confineProjectPath(root, RUN_LOCK);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, formatOwner(currentOwner()));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = runLockOwner(root);
      if (attempt === 0 && !(owner && ownerAlive(owner))) {
        rmSync(path, { force: true }); // stale: its process is gone
        continue;
      }
      throw new FastdaprError("E_BUSY", `another fastdapr run (pid ${owner?.pid ?? "unknown"}) is working on this folder`, {
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

function runLockOwner(root: string): Owner | undefined {
  try {
    return parseOwner(readFileSync(confineProjectPath(root, RUN_LOCK), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * What killed runs leave behind, cleared by every run: a run lock whose process is gone, and
 * transaction folders without a journal (killed while staging or while cleaning up) whose process
 * is gone. Folders with a journal are not debris: they are recovered (journal.ts).
 */
export function clearLeftovers(root: string): void {
  if (!existsSync(join(root, STATE_DIR))) return;
  const lock = confineProjectPath(root, RUN_LOCK);
  if (existsSync(lock)) {
    const owner = runLockOwner(root);
    if (owner && !ownerAlive(owner)) rmSync(lock, { force: true });
  }
  removeDeadStaging(root);
}

/** Test hook: FASTDAPR_FAIL_STAGING_AFTER=N fails staging with ENOSPC after N files, as a full disk does. */
function failStaging(staged: number, path: string): void {
  if (process.env.FASTDAPR_FAIL_STAGING_AFTER === undefined || Number(process.env.FASTDAPR_FAIL_STAGING_AFTER) !== staged) return;
  throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: "ENOSPC", syscall: "write", path });
}

/** Test hooks: FASTDAPR_FAIL_AFTER=N fails the commit after N moves (the lock's included). */
function failAfter(): number {
  const value = process.env.FASTDAPR_FAIL_AFTER;
  return value === undefined ? Number.POSITIVE_INFINITY : Number(value);
}

/**
 * FASTDAPR_KILL_AFTER=N sends this process FASTDAPR_KILL_SIGNAL (default SIGKILL) after N moves,
 * and for a signal it can handle waits until the handler ran: the crash tests stop a commit at an
 * exact point without racing it (SIGSTOP suspends it there, for the concurrency test).
 */
async function killAfter(moves: number): Promise<void> {
  if (process.env.FASTDAPR_KILL_AFTER === undefined || Number(process.env.FASTDAPR_KILL_AFTER) !== moves) return;
  const signal = (process.env.FASTDAPR_KILL_SIGNAL ?? "SIGKILL") as NodeJS.Signals;
  if (signal === "SIGSTOP") {
    process.kill(process.pid, signal); // suspended here, holding the run lock, until SIGCONT
    return;
  }
  const handled = signal === "SIGKILL" ? null : new Promise((resolve) => process.once(signal, resolve));
  const keepAlive = setInterval(() => undefined, 1000); // signal handlers alone do not keep Node running
  process.kill(process.pid, signal);
  await handled;
  clearInterval(keepAlive);
}

export async function commitPlan(plan: Plan): Promise<void> {
  const root = plan.root;
  const writes = plan.entries.filter((e) => e.action === "create" || e.action === "update");
  const deletes = plan.entries.filter((e) => e.action === "delete");
  if (plan.entries.some((e) => e.action === "conflict")) {
    throw new Error("internal: a plan with conflicts reached commit");
  }
  mkdirSync(root, { recursive: true });
  const work = newTransaction(root);

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  // yield to the event loop now and then, so a SIGINT is seen mid-commit and rolls it back (every
  // few moves: a yield per file was a tenth of a large platform's commit)
  const checkpoint = async (step: number) => {
    if (step % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    if (interrupted) throw new Interrupted("interrupted");
  };

  const journal: Journal = {
    version: 1,
    ops: [
      ...writes.map((e, i) => ({ target: e.path, staged: `new/${i}`, saved: `old/${i}` })),
      ...deletes.map((e, i) => ({ target: e.path, staged: null, saved: `old/${writes.length + i}` })),
      { target: LOCK_FILE, staged: "new/lock.json", saved: "old/lock.json" },
    ],
    createdDirs: missingDirs(
      root,
      writes.map((e) => e.path),
    ),
  };
  try {
    // 1. stage: every byte to be written exists on disk before anything is replaced
    const folders = folderCache(true);
    writes.forEach((entry, index) => {
      confineProjectPath(root, entry.path, folders);
      const tmp = join(work, "new", String(index));
      failStaging(index, tmp);
      writeFileSync(tmp, entry.content!);
      if (entry.executable) chmodSync(tmp, 0o755);
    });
    writeFileSync(join(work, "new", "lock.json"), serializeLock(plan.lock));
    // 2. write down every move before making the first, so any stop can be undone (journal.ts)
    writeJournal(work, journal);
  } catch (error) {
    // nothing was moved yet: undoing the staging is dropping it (a full disk gets its space back)
    rmSync(work, { recursive: true, force: true });
    throw error;
  }

  // 3. swap: move each old file aside and the new one in; the lock file last
  const limit = failAfter();
  try {
    let moves = 0;
    const folders = folderCache(false);
    const made = new Set<string>();
    for (const op of journal.ops) {
      await checkpoint(moves);
      const { path: target, stat } = confineProjectEntry(root, op.target, folders);
      // (a link confinement let through is a dangling one: nothing to move aside, as existsSync says)
      if (stat !== undefined && (!stat.isSymbolicLink() || existsSync(target))) renameSync(target, join(work, op.saved));
      if (op.staged !== null) {
        const dir = dirname(target);
        if (!made.has(dir)) {
          mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        renameSync(join(work, op.staged), target);
      }
      await killAfter(++moves);
      if (moves >= limit) throw new Error(`FASTDAPR_FAIL_AFTER=${limit}: simulated failure`);
    }
  } catch (error) {
    rollBack(root, work, journal);
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
  finish(root, work, journal);
}
