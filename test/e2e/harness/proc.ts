// Managed child processes for the e2e harness.
//
// Every process:
//   * runs in its own process group (detached) so stop() kills it and its children,
//   * writes stdout+stderr to a temp log file (kept until the run ends, printed on failure),
//   * has a deadline after which it is killed (SIGKILL to the group),
//   * is registered globally and killed on process exit / SIGINT / SIGTERM / uncaught errors.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SpawnOptions {
  /** short label used in logs and file names */
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** kill the process after this many ms (default 10 min) */
  deadlineMs?: number;
  uid?: number;
  gid?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** resolves with the exit code / signal once the process has exited */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** true once the process has exited */
  hasExited(): boolean;
  /** the process's combined stdout/stderr so far */
  logs(): string;
  /** SIGTERM to the process group, SIGKILL after graceMs (default 5 s); resolves when exited */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ManagedProcess & { kill(sig: NodeJS.Signals): void }>();
let logRoot: string | undefined;

/** directory that holds every process log (and the harness's temp dirs) of this run */
export function runDir(): string {
  if (!logRoot) {
    logRoot = mkdtempSync(join(tmpdir(), "fastdapr-e2e-"));
    // traversable, so servers run as another user (postgres, when we are root) reach their dirs
    chmodSync(logRoot, 0o711);
  }
  return logRoot;
}

export function spawnManaged(opts: SpawnOptions): ManagedProcess {
  installExitHooks();
  const logFile = join(runDir(), `${opts.name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}.log`);
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    // coreutils `timeout` enforces the deadline even if this Node process dies
    // without running its exit hooks (e.g. SIGKILL of the test runner).
    const deadlineS = Math.ceil((opts.deadlineMs ?? DEFAULT_DEADLINE_MS) / 1000) + 5;
    const [command, args] = TIMEOUT_BIN ? [TIMEOUT_BIN, ["--kill-after=5", `${deadlineS}s`, opts.command, ...(opts.args ?? [])]] : [opts.command, opts.args ?? []];
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", fd, fd],
      detached: true,
      uid: opts.uid,
      gid: opts.gid,
    });
  } finally {
    closeSync(fd);
  }
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
    child.once("error", (err) => {
      exitedFlag = true;
      try {
        appendFileSync(logFile, `\n[harness] spawn error: ${err.message}\n`);
      } catch {
        /* ignore */
      }
      resolve({ code: -1, signal: null });
    });
  });
  const pid = child.pid ?? -1;
  const kill = (sig: NodeJS.Signals) => {
    if (exitedFlag || pid <= 0) return;
    try {
      process.kill(-pid, sig); // the whole group
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  const deadline = setTimeout(() => {
    appendFileSync(logFile, `\n[harness] deadline of ${opts.deadlineMs ?? DEFAULT_DEADLINE_MS} ms reached: killing\n`);
    kill("SIGKILL");
  }, opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
  deadline.unref();
  const mp = {
    name: opts.name,
    pid,
    logFile,
    exited,
    hasExited: () => exitedFlag,
    logs: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    kill,
    async stop(graceMs = 5000) {
      clearTimeout(deadline);
      if (!exitedFlag) {
        kill("SIGTERM");
        const t = setTimeout(() => kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(t);
      }
      // children that ignored the group's SIGTERM
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* none left */
      }
      live.delete(mp);
    },
  };
  live.add(mp);
  void exited.then(() => clearTimeout(deadline));
  return mp;
}

const DEFAULT_DEADLINE_MS = 10 * 60_000;
const TIMEOUT_BIN = ["/usr/bin/timeout", "/bin/timeout"].find((p) => existsSync(p));

/** stop every process still running (used by after hooks) */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(3000)));
}

/** the processes started and not yet stopped */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAllSync = () => {
    for (const p of live) p.kill("SIGKILL");
    live.clear();
  };
  process.on("exit", () => {
    killAllSync();
    if (logRoot && process.env.FASTDAPR_E2E_KEEP !== "1") {
      try {
        rmSync(logRoot, { recursive: true, force: true });
      } catch {
        /* ignore */
      }
    }
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      killAllSync();
      process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
  process.on("uncaughtException", (err) => {
    killAllSync();
    console.error(err);
    process.exit(1);
  });
}

/** print the logs of the given processes (to stderr), framed, for a failing test */
export function dumpLogs(procs: Iterable<ManagedProcess>, maxChars = 12_000): void {
  for (const p of procs) {
    const text = p.logs();
    const shown = text.length > maxChars ? `…(${text.length - maxChars} chars cut)…\n` + text.slice(-maxChars) : text;
    process.stderr.write(`\n----- log of ${p.name} (pid ${p.pid}, ${p.logFile}) -----\n${shown}\n----- end of ${p.name} -----\n`);
  }
}
