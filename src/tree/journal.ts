// The commit journal: before the first file is moved, a commit writes down every move it is about
// to make (.fastdapr/txn-<pid>-<start time>/journal.json). Whatever stops it half way — an error, Ctrl-C, SIGKILL,
// a closed terminal — the journal and the files in the transaction folder are enough to put the
// previous tree back, or, when the lock file already moved into place, to finish the commit.
// Every step of the undo is itself a rename that can be redone, so an undo that is killed too is
// completed by the next run.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { currentOwner, formatOwner, ownerAlive, parseOwner } from "./owner.js";
import { EXIT, FastdaprError } from "../core/errors.js";
import { confineProjectPath } from "./paths.js";
import { STATE_DIR } from "./lock.js";

const JOURNAL_VERSION = 1;
const TXN_PREFIX = "txn-";
const NAME_IN_TXN = /^(new|old)\/[A-Za-z0-9_.-]+$/;

/** One move of a commit: `target` (project-relative) goes to `saved`, then `staged` takes its place. */
export interface JournalOp {
  target: string;
  /** Where the new content waits in the transaction folder; null for a delete. */
  staged: string | null;
  /** Where the file it replaces is kept until the commit is over. */
  saved: string;
}

export interface Journal {
  version: number;
  /** In order; the last one places the lock file, so "lock moved" means "commit complete". */
  ops: JournalOp[];
  /** Folders (project-relative, parents first) that did not exist before and the commit creates. */
  createdDirs: string[];
}

export function journalPath(work: string): string {
  return join(work, "journal.json");
}

/** Written whole under another name and renamed: a journal on disk is always complete. */
export function writeJournal(work: string, journal: Journal): void {
  const tmp = join(work, "journal.json.tmp");
  writeFileSync(tmp, JSON.stringify(journal));
  renameSync(tmp, journalPath(work));
}

function readJournal(work: string): Journal | null {
  const path = journalPath(work);
  if (!existsSync(path)) return null; // killed while staging: nothing was moved yet
  const journal = JSON.parse(readFileSync(path, "utf8")) as Journal;
  const valid =
    journal.version === JOURNAL_VERSION &&
    Array.isArray(journal.ops) &&
    Array.isArray(journal.createdDirs) &&
    journal.ops.every((op) => NAME_IN_TXN.test(op.saved) && (op.staged === null || NAME_IN_TXN.test(op.staged)));
  if (!valid) {
    throw new FastdaprError("E_JOURNAL_CORRUPT", `${journalPath(work)} cannot be read`, {
      location: journalPath(work),
      hint: "restore the folder from version control, then delete the txn-* folder in .fastdapr/",
    });
  }
  return journal;
}

/** Folders missing on disk that placing `paths` would create, parents first. */
export function missingDirs(root: string, paths: string[]): string[] {
  const missing = new Set<string>();
  const present = new Set<string>();
  for (const path of paths) {
    // each folder is looked at once: a platform's thousands of files share a few hundred folders
    for (let dir = dirname(path); dir !== "." && !missing.has(dir) && !present.has(dir); dir = dirname(dir)) {
      if (existsSync(join(root, dir))) {
        present.add(dir);
        break;
      }
      missing.add(dir);
    }
  }
  return [...missing].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
}

/** Has the op's staged file been moved into place? (It is gone from the transaction folder.) */
const placed = (work: string, op: JournalOp) => op.staged !== null && !existsSync(join(work, op.staged));

/** Undoes every move of the journal, last first, and removes the folders the commit created. */
export function rollBack(root: string, work: string, journal: Journal): void {
  let undone = 0;
  for (const op of [...journal.ops].reverse()) {
    const target = confineProjectPath(root, op.target);
    // the new file goes back to the staging folder rather than away: a rollback killed here is
    // redone by the next run from the same journal
    if (placed(work, op)) renameSync(target, join(work, op.staged!));
    const saved = join(work, op.saved);
    if (existsSync(saved)) renameSync(saved, target);
    // test hook: FASTDAPR_KILL_UNDO_AFTER=N kills this process after N undone moves
    if (Number(process.env.FASTDAPR_KILL_UNDO_AFTER) === ++undone) process.kill(process.pid, "SIGKILL");
  }
  for (const dir of [...journal.createdDirs].reverse()) {
    try {
      rmdirSync(confineProjectPath(root, dir));
    } catch {
      // already gone, or not empty: something else lives there now; leave it
    }
  }
  rmSync(work, { recursive: true, force: true });
}

/** After the lock is in place: drop the replaced files and the folders the deletes emptied. */
export function finish(root: string, work: string, journal: Journal): void {
  rmSync(work, { recursive: true, force: true });
  // so removing a service leaves no empty skeleton behind
  for (const op of journal.ops.filter((o) => o.staged === null)) {
    for (let dir = dirname(op.target); dir !== "."; dir = dirname(dir)) {
      try {
        rmdirSync(confineProjectPath(root, dir));
      } catch {
        break;
      }
    }
  }
}

function transactionFolders(root: string): string[] {
  const state = join(root, STATE_DIR);
  if (!existsSync(state)) return [];
  return readdirSync(state)
    .filter((name) => name.startsWith(TXN_PREFIX))
    .map((name) => confineProjectPath(root, `${STATE_DIR}/${name}`));
}

/** A commit was stopped after it started moving files (its journal is still there). */
export function hasInterruptedCommit(root: string): boolean {
  return transactionFolders(root).some((work) => existsSync(journalPath(work)));
}

export type Recovery = "rolled back" | "completed";

/**
 * Puts a folder left half-written by a killed commit back in order. Call it only while holding the
 * run lock: then no other run is committing, and every transaction folder is a dead run's.
 */
export function recoverInterrupted(root: string): Recovery | null {
  let outcome: Recovery | null = null;
  for (const work of transactionFolders(root)) {
    const journal = readJournal(work);
    if (!journal) {
      rmSync(work, { recursive: true, force: true });
      continue;
    }
    const lockOp = journal.ops[journal.ops.length - 1];
    if (lockOp && placed(work, lockOp)) {
      finish(root, work, journal);
      outcome = "completed";
    } else {
      rollBack(root, work, journal);
      outcome = "rolled back";
    }
  }
  return outcome;
}

/** For commands that only read (dry runs, checks): a half-written folder would mislead them. */
export function refuseInterrupted(root: string): void {
  if (!hasInterruptedCommit(root)) return;
  throw new FastdaprError("E_INTERRUPTED_COMMIT", "a fastdapr run was stopped while writing files (or is writing them now): the folder is half-written", {
    location: `${STATE_DIR}/`,
    hint: "run fastdapr generate without --dry-run or --check: it first puts the previous files back (or finishes the run)",
    exitCode: EXIT.checkFailed,
  });
}

/** Transaction folders without a journal whose process is gone: staging nobody will use. */
export function removeDeadStaging(root: string): void {
  for (const work of transactionFolders(root)) {
    if (existsSync(journalPath(work))) continue;
    const owner = parseOwner(basename(work).slice(TXN_PREFIX.length));
    if (!owner || !ownerAlive(owner)) rmSync(work, { recursive: true, force: true });
  }
}

/** The transaction folder of this process, created empty with its staging and backup folders. */
export function newTransaction(root: string): string {
  const work = confineProjectPath(root, `${STATE_DIR}/${TXN_PREFIX}${formatOwner(currentOwner())}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "new"), { recursive: true });
  mkdirSync(join(work, "old"), { recursive: true });
  return work;
}
