// Where one `fastdapr new` spends its time: a V8 CPU profile of the whole process (node
// --cpu-prof), with each sample's self time put in a bucket by the code it was in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

export const BUCKETS = [
  "ruff formatter (WebAssembly)",
  "Eta templates",
  "YAML serialising",
  "module loading",
  "file system",
  "garbage collection",
  "fastdapr code",
  "idle (waiting on I/O)",
  "other",
] as const;
export type Bucket = (typeof BUCKETS)[number];

const FS_NATIVE = new Set(["readFileUtf8", "writeFileUtf8", "openFileHandle", "open", "close", "read", "write", "writeString", "writeBuffer", "rmdir", "rmSync", "unlink", "lstat", "stat", "fstat", "mkdir", "rename", "readdir", "fsync", "fdatasync", "existsSync", "realpath"]);

function bucketOf(url: string, fn: string): Bucket {
  if (url.startsWith("wasm:") || url.includes("ruff-wasm") || fn.startsWith("js-to-wasm") || fn.startsWith("wasm-to-js")) return "ruff formatter (WebAssembly)";
  if (url.includes("/node_modules/eta/")) return "Eta templates";
  if (url.includes("/node_modules/yaml/")) return "YAML serialising";
  if (fn === "(idle)") return "idle (waiting on I/O)";
  if (fn === "(garbage collector)") return "garbage collection";
  if (url.startsWith("node:internal/modules") || url.startsWith("node:internal/bootstrap") || ["Module", "compileFunction", "compileSourceTextModule", "compileForInternalLoader"].includes(fn)) return "module loading";
  if (url === "node:fs" || url.startsWith("node:internal/fs") || (url === "" && FS_NATIVE.has(fn))) return "file system";
  if (url.includes("/dist/src/")) return "fastdapr code";
  return "other";
}

/** percent of the profiled time per bucket, and the profiled total */
export function profileProcess(args: string[], cwdParent: string): { totalMs: number; percent: Record<Bucket, number> } {
  const dir = mkdtempSync(join(tmpdir(), "fastdapr-bench-prof-"));
  const cwd = mkdtempSync(join(cwdParent, "prof-"));
  try {
    execFileSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, ...args], { cwd, stdio: "pipe" });
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("node --cpu-prof wrote no profile");
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const totals = new Map<Bucket, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const node = byId.get(id)!;
      const dt = profile.timeDeltas[i] ?? 0;
      const b = bucketOf(node.callFrame.url, node.callFrame.functionName);
      totals.set(b, (totals.get(b) ?? 0) + dt);
      total += dt;
    });
    const percent = Object.fromEntries(BUCKETS.map((b) => [b, Math.round(((totals.get(b) ?? 0) / total) * 1000) / 10])) as Record<Bucket, number>;
    return { totalMs: Math.round(total / 1000), percent };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}
