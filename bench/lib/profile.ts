// Where one `fastdapr new` spends its time: a V8 CPU profile of the whole process (node
// --cpu-prof), with each sample's self time put in a bucket by the code it was in. The CLI runs
// pre-built (scripts/bundle.mjs): a sample in dist/cli/ is traced back to the module it came from
// by the `// path` line esbuild writes above each module in a chunk.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; functionName: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export const BUCKETS = [
  "ruff formatter (WebAssembly)",
  "Eta templates",
  "YAML (manifest parsing, serialising)",
  "zod (manifest validation)",
  "module loading",
  "file system",
  "garbage collection",
  "fastdapr code",
  "idle (waiting on I/O)",
  "other",
] as const;
export type Bucket = (typeof BUCKETS)[number];

const FS_NATIVE = new Set([
  "readFileUtf8",
  "writeFileUtf8",
  "openFileHandle",
  "open",
  "close",
  "read",
  "write",
  "writeString",
  "writeBuffer",
  "rmdir",
  "rmSync",
  "unlink",
  "lstat",
  "stat",
  "fstat",
  "mkdir",
  "rename",
  "readdir",
  "fsync",
  "fdatasync",
  "existsSync",
  "realpath",
]);

function bucketOf(url: string, fn: string): Bucket {
  if (url.startsWith("wasm:") || url.includes("ruff-wasm") || fn.startsWith("js-to-wasm") || fn.startsWith("wasm-to-js")) return "ruff formatter (WebAssembly)";
  if (url.includes("/node_modules/eta/")) return "Eta templates";
  if (url.includes("/node_modules/yaml/")) return "YAML (manifest parsing, serialising)";
  if (url.includes("/node_modules/zod/")) return "zod (manifest validation)";
  // native, no script: compiling and instantiating ruff's WebAssembly (CommonJS has its own Module)
  if (url === "" && (fn === "Module" || fn === "Instance")) return "ruff formatter (WebAssembly)";
  if (fn === "(idle)") return "idle (waiting on I/O)";
  if (fn === "(garbage collector)") return "garbage collection";
  if (
    url.startsWith("node:internal/modules") ||
    url.startsWith("node:internal/bootstrap") ||
    ["Module", "compileFunction", "compileSourceTextModule", "compileForInternalLoader"].includes(fn)
  )
    return "module loading";
  if (url === "node:fs" || url.startsWith("node:internal/fs") || (url === "" && FS_NATIVE.has(fn))) return "file system";
  if (url.includes("/dist/src/") || url.includes("/bundle/src/")) return "fastdapr code";
  return "other";
}

/** The module a line of a bundled chunk came from ("node_modules/eta/dist/index.mjs", "src/tree/plan.ts"). */
function bundleSources(): (url: string, line: number) => string {
  const markers = new Map<string, { line: number; path: string }[]>();
  return (url, line) => {
    if (!url.startsWith("file://") || !url.includes("/dist/cli/")) return url;
    let list = markers.get(url);
    if (!list) {
      list = [];
      readFileSync(fileURLToPath(url), "utf8")
        .split("\n")
        .forEach((text, i) => {
          const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(text);
          if (m) list!.push({ line: i, path: m[1]! });
        });
      markers.set(url, list);
    }
    let found: string | undefined;
    for (const m of list) {
      if (m.line > line) break;
      found = m.path;
    }
    return found ? `file:///bundle/${found}` : url;
  };
}

/** percent of the profiled time per bucket, and the profiled total; `prepare` fills the working folder first */
export function profileProcess(args: string[], cwdParent: string, prepare: (cwd: string) => void = () => undefined): { totalMs: number; percent: Record<Bucket, number> } {
  const dir = mkdtempSync(join(tmpdir(), "fastdapr-bench-prof-"));
  const cwd = mkdtempSync(join(cwdParent, "prof-"));
  const source = bundleSources();
  try {
    prepare(cwd);
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
      const b = bucketOf(source(node.callFrame.url, node.callFrame.lineNumber), node.callFrame.functionName);
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
