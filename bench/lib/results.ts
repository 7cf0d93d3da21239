// Where each benchmark leaves its figures: bench/results/<name>.json (git-ignored), read by
// bench/report.ts to write docs/benchmarks.md and its chart.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";

export const resultsDir = resolve(import.meta.dirname, "..", "results");

export function writeResult(name: string, data: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Number(loadavg()[0]!.toFixed(1)),
  };
  const file = join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, finishedAt: new Date().toISOString(), machine, ...data }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

export function readResult<T>(name: string): T | undefined {
  const file = join(resultsDir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}
