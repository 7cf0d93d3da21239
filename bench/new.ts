// Benchmark (not a test): `fastdapr new` as a whole process, the way users and agents run it.
// Prints the median, min and max wall time of several runs after a warm-up, and peak RSS.
//   npm run build && npx tsx bench/new.ts [runs]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const runs = Number(process.argv[2] ?? 10);
const bin = resolve("bin/fastdapr.js");
const args = ["new", "exercise-service", "--tier", "agent", "--subscribe", "exercise.request", "--publish", "exercise.response", "--state-key", "attempts:{user_id}:{exercise_id}", "--invoke", "progress-service", "--json"];

function once(): { ms: number; rssKb: number } {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-bench-"));
  const started = process.hrtime.bigint();
  // /usr/bin/time reports the child's peak RSS; fall back to wall time only when it is missing
  const timed = existsSync("/usr/bin/time");
  const [cmd, cmdArgs] = timed ? ["/usr/bin/time", ["-f", "%M", process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
  const result = spawnSync(cmd as string, cmdArgs as string[], { cwd, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`fastdapr new failed: ${result.stdout}${result.stderr}`);
  rmSync(cwd, { recursive: true, force: true });
  const rssKb = timed ? Number(result.stderr.trim().split("\n").pop()) : Number.NaN;
  return { ms, rssKb };
}

once(); // warm-up: file-system caches, compiled code cache
const samples = Array.from({ length: runs }, once);
const times = samples.map((s) => s.ms).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const peak = Math.max(...samples.map((s) => s.rssKb));
const report = {
  benchmark: "fastdapr new (agent tier, one topic each way, one state key, one invoke)",
  runs,
  medianMs: Math.round(median),
  minMs: Math.round(times[0]!),
  maxMs: Math.round(times[times.length - 1]!),
  peakRssMiB: Math.round(peak / 1024),
  seedTargetMs: 5000,
  fractionOfTarget: Number((median / 5000).toFixed(3)),
  node: process.version,
};
console.log(JSON.stringify(report, null, 2));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/new.json", `${JSON.stringify(report, null, 2)}\n`);
