// Benchmark (not a test): generation speed as whole processes, the way users and agents run it.
//   - `fastdapr new` (one service), against cookiecutter, copier, plop and hygen producing the same
//     files from an equivalent template (bench/lib/templates.ts; the output is checked identical),
//     beside `node -e 0` and `fastdapr --version` (Node's own start-up, and the CLI's), all
//     interleaved: run 1 of each tool, then run 2 of each, … so that a change in the machine's load
//     falls on all of them alike
//   - `fastdapr generate` of LearnFlow and of synthetic platforms of 10..100 services
//   - CPU profiles (where the time goes) of `new` and of the 100-service platform
// Median, min and max wall time of several runs after a warm-up, and peak RSS (GNU time).
// Writes bench/results/generation.json. Needs `npm run build` and `bash bench/setup.sh`.
//   npx tsx bench/generation.ts [runs]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median, round1, series, timeProcess, type ProcessRun, type Sample, type Summary } from "./lib/measure.js";
import { syntheticManifestText } from "./lib/synthetic-manifest.js";
import { buildTemplates, readTree, treeDifferences } from "./lib/templates.js";
import { writeResult } from "./lib/results.js";
import { profileProcess } from "./lib/profile.js";
import { buildServiceModel } from "../src/model/build-service.js";
import { renderService } from "../src/render/service.js";
import { ruffRuns } from "../src/render/python-format.js";
import { Tree } from "../src/tree/tree.js";
import { parseManifest } from "../src/manifest/load.js";
import { buildPlatform } from "../src/platform/build-platform.js";
import { renderPlatform } from "../src/render/platform.js";

const runs = Number(process.argv[2] ?? 5);
const root = resolve(import.meta.dirname, "..");
const bin = join(root, "bin", "fastdapr.js");
const cache = join(process.env.FASTDAPR_CACHE || join(homedir(), ".cache", "fastdapr"), "bench");
const SERVICE = "exercise-service";
const NEW_ARGS = [
  "new",
  SERVICE,
  "--tier",
  "agent",
  "--subscribe",
  "exercise.request",
  "--publish",
  "exercise.response",
  "--state-key",
  "attempts:{user_id}:{exercise_id}",
  "--invoke",
  "progress-service",
  "--json",
];
const SYNTHETIC_SIZES = [10, 50, 100];

interface Tool {
  bin: string;
  version: string;
}
const tools = JSON.parse(readFileSync(join(cache, "tools.json"), "utf8")) as Record<"cookiecutter" | "copier" | "plop" | "hygen", Tool>;

const scratch = mkdtempSync(join(tmpdir(), "fastdapr-bench-gen-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

function freshDir(): string {
  return mkdtempSync(join(scratch, "run-"));
}
const removeCwd = (run: ProcessRun) => rmSync(run.cwd, { recursive: true, force: true });
const node = (args: string[], cwd: string): ProcessRun => ({ command: process.execPath, args: [bin, ...args], cwd });

function log(label: string, s: Summary): void {
  console.log(
    `${label.padEnd(34)} median ${String(s.medianMs).padStart(8)} ms  min ${String(s.minMs).padStart(8)}  max ${String(s.maxMs).padStart(8)}  CPU ${String(s.medianCpuMs).padStart(8)} ms  peak RSS ${s.peakRssMiB} MiB`,
  );
}

// ------------------------------------------------------------------ one service
// the reference output, and the four templates made from it
const reference = join(freshDir(), "reference");
mkdirSync(reference);
execFileSync(process.execPath, [bin, ...NEW_ARGS], { cwd: reference, stdio: "ignore" });
const referenceTree = readTree(join(reference, SERVICE));
const templates = buildTemplates(join(reference, SERVICE), SERVICE, join(scratch, "templates"));
const cookiecutterConfig = join(scratch, "cookiecutter-config.yaml");
writeFileSync(cookiecutterConfig, `cookiecutters_dir: ${join(scratch, "cookiecutters")}\nreplay_dir: ${join(scratch, "replay")}\n`);

const singleService: Record<string, (cwd: string) => ProcessRun> = {
  fastdapr: (cwd) => node(NEW_ARGS, cwd),
  cookiecutter: (cwd) => ({
    command: tools.cookiecutter.bin,
    args: ["--no-input", "--config-file", cookiecutterConfig, "-o", cwd, templates.cookiecutter, `service_name=${SERVICE}`],
    cwd,
  }),
  copier: (cwd) => ({ command: tools.copier.bin, args: ["copy", "--defaults", "--quiet", "--data", `service_name=${SERVICE}`, templates.copier, cwd], cwd }),
  plop: (cwd) => ({ command: tools.plop.bin, args: ["--plopfile", join(templates.plop, "plopfile.js"), "--dest", cwd, "service", SERVICE], cwd }),
  hygen: (cwd) => ({ command: tools.hygen.bin, args: ["service", "new", "--name", SERVICE], cwd, env: { ...process.env, HYGEN_TMPLS: join(templates.hygen, "_templates") } }),
};

for (const [name, make] of Object.entries(singleService)) {
  // each tool must produce the same files, or the comparison is not like for like
  const check = freshDir();
  const run = make(check);
  execFileSync(run.command, run.args, { cwd: check, env: run.env, stdio: "ignore" });
  const diffs = treeDifferences(referenceTree, readTree(join(check, SERVICE)));
  if (diffs.length) throw new Error(`${name} did not reproduce the generated service: ${diffs.slice(0, 5).join(", ")}`);
  rmSync(check, { recursive: true, force: true });
}

/** One warm-up run of each, then `runs` rounds of one run of each in turn. */
function interleaved(makers: Record<string, (cwd: string) => ProcessRun>): Record<string, Summary> {
  const once = (make: (cwd: string) => ProcessRun): Sample => {
    const run = make(freshDir());
    try {
      return timeProcess(run);
    } finally {
      removeCwd(run);
    }
  };
  for (const make of Object.values(makers)) once(make);
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(makers).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [name, make] of Object.entries(makers)) samples[name]!.push(once(make));
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => {
      const times = list.map((s) => s.ms).sort((a, b) => a - b);
      const summary: Summary = {
        runs,
        medianMs: round1(median(times)),
        minMs: round1(times[0]!),
        maxMs: round1(times[times.length - 1]!),
        peakRssMiB: round1(Math.max(...list.map((s) => s.rssKb)) / 1024),
        medianCpuMs: round1(median(list.map((s) => s.cpuMs))),
      };
      return [name, summary];
    }),
  );
}

// the floor under every Node tool: the runtime starting and exiting, and fastdapr's own start
const STARTUP = {
  "node -e 0": (cwd: string): ProcessRun => ({ command: process.execPath, args: ["-e", "0"], cwd }),
  "fastdapr --version": (cwd: string): ProcessRun => node(["--version"], cwd),
};
const measured = interleaved({ ...STARTUP, ...singleService });
const startup = Object.fromEntries(Object.keys(STARTUP).map((k) => [k, measured[k]!])) as Record<keyof typeof STARTUP, Summary>;
for (const [name, s] of Object.entries(startup)) log(name, s);
const single: Record<string, Summary & { version: string; files: number }> = {};
for (const name of Object.keys(singleService)) {
  const s = measured[name]!;
  const version = name === "fastdapr" ? (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version : tools[name as keyof typeof tools].version;
  single[name] = { ...s, version, files: referenceTree.size };
  log(`${name} ${version} (one service)`, s);
}

// ------------------------------------------------------------------ platforms
function manifestRun(manifest: string): () => ProcessRun {
  return () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, "fastdapr.yaml"), manifest);
    return node(["generate", "--json"], cwd);
  };
}

// LearnFlow's manifest as `init` writes it; each run generates it into an empty folder
const initParent = freshDir();
const initDir = join(initParent, "learnflow");
// init writes only inside the current directory
execFileSync(process.execPath, [bin, "init", "learnflow", "--preset", "learnflow", "--json"], { cwd: initParent, stdio: "pipe" });
const learnflowManifest = readFileSync(join(initDir, "fastdapr.yaml"), "utf8");

const platforms: { name: string; services: number; files: number; summary: Summary; msPerService: number }[] = [];
const platform = (name: string, services: number, manifest: string, n: number) => {
  const { warmupStdout, ...summary } = series(n, manifestRun(manifest), removeCwd);
  // the files written, from the warm-up run's --json answer
  const files = (JSON.parse(warmupStdout) as { created: number }).created;
  platforms.push({ name, services, files, summary, msPerService: round1(summary.medianMs / services) });
  log(`generate ${name} (${services} services)`, summary);
};
// the synthetic platform must be a clean one: once generated, `fastdapr check` passes it with no
// warning (check also compares the files on disk with the manifest, so it runs after generate)
{
  const cwd = freshDir();
  const largest = Math.max(...SYNTHETIC_SIZES);
  writeFileSync(join(cwd, "fastdapr.yaml"), syntheticManifestText(largest));
  execFileSync(process.execPath, [bin, "generate", "--json"], { cwd, stdio: "pipe" });
  const answer = spawnSync(process.execPath, [bin, "check", "--json"], { cwd, encoding: "utf8" });
  const check = JSON.parse(answer.stdout) as { ok: boolean; warnings?: unknown[] };
  if (answer.status !== 0 || !check.ok || (check.warnings ?? []).length) throw new Error(`synthetic-${largest} does not pass fastdapr check cleanly: ${answer.stdout}`);
  rmSync(cwd, { recursive: true, force: true });
}

// platforms take seconds each: three runs keep the script within a few minutes
platform("learnflow", 6, learnflowManifest, 3);
for (const size of SYNTHETIC_SIZES) platform(`synthetic-${size}`, size, syntheticManifestText(size), 3);

// where fastdapr's own time goes, for the report's "what limits it"
const newProfile = profileProcess([bin, ...NEW_ARGS], scratch);
console.log(`fastdapr new CPU profile (${newProfile.totalMs} ms):`, newProfile.percent);
const largest = Math.max(...SYNTHETIC_SIZES);
const platformProfile = {
  services: largest,
  ...profileProcess([bin, "generate", "--json"], scratch, (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), syntheticManifestText(largest))),
};
console.log(`fastdapr generate (${largest} services) CPU profile (${platformProfile.totalMs} ms):`, platformProfile.percent);

// how many Python files still needed ruff (src/render/python-format.ts): rendered in this process,
// the same inputs as the runs above
const ruffFilesOf = (render: () => void): number => {
  const before = ruffRuns.files;
  render();
  return ruffRuns.files - before;
};
const platformFiles = (manifest: string) => () => {
  const loaded = parseManifest(manifest);
  renderPlatform(buildPlatform(loaded.manifest, loaded.positions), new Tree());
};
const ruffFiles = {
  new: ruffFilesOf(() =>
    renderService(
      buildServiceModel({
        name: SERVICE,
        tier: "agent",
        subscribes: ["exercise.request"],
        publishes: ["exercise.response"],
        stateKeys: ["attempts:{user_id}:{exercise_id}"],
        invokes: ["progress-service"],
      }),
      new Tree(),
    ),
  ),
  learnflow: ruffFilesOf(platformFiles(learnflowManifest)),
  synthetic: ruffFilesOf(platformFiles(syntheticManifestText(largest))),
};
console.log("Python files formatted by ruff:", ruffFiles);

const fastdapr = single.fastdapr!;
const ratios = Object.fromEntries(Object.entries(single).map(([k, v]) => [k, Number((v.medianMs / fastdapr.medianMs).toFixed(2))]));
console.log("time relative to fastdapr new (median):", ratios);
const versionVsNode = Number((startup["fastdapr --version"].medianMs / startup["node -e 0"].medianMs).toFixed(2));
console.log(`fastdapr --version / node -e 0 (median): ${versionVsNode}`);
writeResult("generation", { runs, service: SERVICE, newArgs: NEW_ARGS, startup, versionVsNode, single, ratios, platforms, newProfile, platformProfile, ruffFiles });
