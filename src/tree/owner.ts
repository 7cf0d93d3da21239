// Who holds a run lock or a transaction folder: a process id and, where /proc tells it, the
// process's start time. A pid alone is not enough: after a crash the kernel may give the same pid
// to an unrelated process, and the leftovers would then look alive forever.
import { readFileSync } from "node:fs";

export interface Owner {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); absent where there is no /proc. */
  start?: string;
}

function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ")"
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): Owner {
  const start = startOf(process.pid);
  return { pid: process.pid, ...(start ? { start } : {}) };
}

/** "4242" or "4242-183746": as a lock file's text and in a transaction folder's name. */
export function formatOwner(owner: Owner): string {
  return owner.start ? `${owner.pid}-${owner.start}` : String(owner.pid);
}

export function parseOwner(text: string): Owner | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  return { pid: Number(match[1]), ...(match[2] ? { start: match[2] } : {}) };
}

/** The process still runs: its pid exists and, when recorded, it started when the owner did. */
export function ownerAlive(owner: Owner): boolean {
  if (!(owner.pid > 0)) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (owner.start === undefined) return true;
  const start = startOf(owner.pid);
  return start === undefined || start === owner.start;
}
