// Test helpers to run the CLI: in-process with captured output, or as a real child process.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

// runCli changes the process's folder for the run, and a command reads it after awaiting its own
// code (the CLI loads each command lazily): two runs at once (Promise.all in a test's setup) would
// each see the other's folder, so runs take turns.
let turn: Promise<unknown> = Promise.resolve();

export function runCli(argv: string[], cwd: string): Promise<CliRun> {
  const run = turn.then(() => runCliNow(argv, cwd));
  turn = run.catch(() => undefined);
  return run;
}

async function runCliNow(argv: string[], cwd: string): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const output: Output = {
    json: argv.includes("--json"),
    out: (t) => (stdout += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith("\n") ? t : `${t}\n`),
  };
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return { code: await main(argv, output), stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

const BIN = fileURLToPath(new URL("../../bin/fastdapr.js", import.meta.url));

/** The real executable (bin/fastdapr.js → dist/, compiled by `npm run build`), as users run it. */
export function spawnCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const CHILD = fileURLToPath(new URL("./cli-child.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

/** The CLI from source in a child process; `signal` is set when the child was killed. */
export function spawnSourceCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun & { signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, ["--import", TSX, CHILD, ...argv], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
}

/**
 * The CLI from source, running in the background. `stopped` resolves once the child suspended
 * itself (SIGSTOP: state "T" in /proc), `exit` when it ends.
 */
export function spawnSourceCliAsync(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; stopped: Promise<void>; exit: Promise<CliRun> } {
  const child = spawn(process.execPath, ["--import", TSX, CHILD, ...argv], { cwd, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<CliRun>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
  const stopped = new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      try {
        // /proc/<pid>/stat: "pid (comm) state …"; the state after the last ")"
        const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
        if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("T")) {
          clearInterval(poll);
          resolve();
        }
      } catch (error) {
        clearInterval(poll);
        reject(new Error(`the child ended before it stopped: ${String(error)}\n${stderr}`));
      }
    }, 20);
  });
  return { child, stopped, exit };
}
