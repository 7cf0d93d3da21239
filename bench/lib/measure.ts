// Whole-process timing for the benchmarks: wall time from spawn to exit, and the child's peak
// resident memory and CPU time (user + system, all its threads) from GNU time (`/usr/bin/time -f
// "%M %U %S"`, written to a file so it never mixes with the tool's own stderr). On a machine shared
// with other work, CPU time barely moves while wall time includes the waits for a free core.
// bench/setup.sh installs GNU time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Sample {
  ms: number;
  rssKb: number;
  /** user + system CPU time of the process, ms */
  cpuMs: number;
  stdout: string;
}

export interface Summary {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** the largest peak RSS over the runs, MiB */
  peakRssMiB: number;
  /** median user + system CPU time, ms (absent in older results) */
  medianCpuMs?: number;
}

export interface Series extends Summary {
  /** what the warm-up run printed (e.g. the --json answer) */
  warmupStdout: string;
}

const GNU_TIME = "/usr/bin/time";

export interface ProcessRun {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** run one process to completion; throws with its output when it fails */
export function timeProcess(run: ProcessRun): Sample {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} missing: run bash bench/setup.sh`);
  const scratch = mkdtempSync(join(tmpdir(), "fastdapr-bench-time-"));
  const rssFile = join(scratch, "rss");
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(GNU_TIME, ["-f", "%M %U %S", "-o", rssFile, run.command, ...run.args], {
      cwd: run.cwd,
      env: run.env ?? process.env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      throw new Error(`${run.command} ${run.args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    }
    // GNU time writes "Command exited..." lines before the figures when the child fails; the last line is "%M %U %S"
    const [rss, user, system] = readFileSync(rssFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return { ms, rssKb: rss!, cpuMs: (user! + system!) * 1000, stdout: result.stdout };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * One warm-up run (file-system cache, Node's compile cache, Python's .pyc files), then `runs`
 * measured runs; `prepare` makes a fresh working directory for each run and `cleanup` removes it.
 */
export function series(runs: number, prepare: () => ProcessRun, cleanup: (run: ProcessRun) => void): Series {
  const once = (): Sample => {
    const run = prepare();
    try {
      return timeProcess(run);
    } finally {
      cleanup(run);
    }
  };
  const warmup = once();
  const samples = Array.from({ length: runs }, once);
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    runs,
    medianMs: round1(median(times)),
    minMs: round1(times[0]!),
    maxMs: round1(times[times.length - 1]!),
    peakRssMiB: round1(Math.max(...samples.map((s) => s.rssKb)) / 1024),
    medianCpuMs: round1(median(samples.map((s) => s.cpuMs))),
    warmupStdout: warmup.stdout,
  };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
