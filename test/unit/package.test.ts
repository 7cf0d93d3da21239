// The npm package as a user gets it: packed (`npm pack` runs the prepack build in a clean copy of
// the sources), installed from the tarball into an empty prefix (its dependencies from the npm
// registry or the local cache), and run: --help, new, init --preset learnflow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 600_000, env: { ...process.env, npm_config_update_notifier: "false" } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Every `docs/….md` the CLI's messages cite, so the tarball can be checked to hold them. */
function citedDocs(dir = join(ROOT, "src")): Set<string> {
  const cited = new Set<string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const d of citedDocs(path)) cited.add(d);
    else for (const m of readFileSync(path, "utf8").matchAll(/\b(docs\/[a-z-]+\.md)/g)) cited.add(m[1]!);
  }
  return cited;
}

test("the packed tarball installs into an empty prefix and runs --help, new and init --preset learnflow", { timeout: 900_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "fastdapr-package-"));
  // a copy of what the package is built from, so packing (which rebuilds dist/) leaves this checkout alone
  const source = join(work, "source");
  mkdirSync(source);
  // what package.json ships (top-level names of its `files`) plus what the prepack build reads
  const shipped = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] }).files.map((f) => f.split("/")[0]!);
  for (const entry of new Set(["package.json", "tsconfig.json", "README.md", "src", "scripts", ...shipped])) {
    cpSync(join(ROOT, entry), join(source, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(source, "node_modules"));
  const packed = run(NPM, ["pack", "--json", "--pack-destination", work], source);
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map((f) => f.path);

  assert.ok(files.includes("LICENSE"), "the Apache-2.0 text package.json names");
  assert.match(readFileSync(join(source, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  assert.deepEqual(
    files.filter((f) => f.endsWith(".map")),
    [],
    "no source maps pointing at sources the package does not ship",
  );
  assert.deepEqual(
    files.filter((f) => f.startsWith("src/") || f.startsWith("test/")),
    [],
    "compiled code only",
  );
  assert.deepEqual(
    [...citedDocs()].filter((d) => !files.includes(d)),
    [],
    "every docs file an error hint cites is in the package",
  );
  assert.ok(files.includes("dist/src/cli/main.js") && files.includes("bin/fastdapr.js"));
  // the bin runs the pre-built CLI (scripts/bundle.mjs): its entry file and the commands' chunks
  assert.match(readFileSync(join(source, "bin", "fastdapr.js"), "utf8"), /dist\/cli\/fastdapr\.js/);
  assert.ok(files.includes("dist/cli/fastdapr.js"), "the pre-built entry file");
  assert.ok(
    files.some((f) => f.startsWith("dist/cli/chunks/")),
    "the commands' chunks",
  );

  const prefix = join(work, "prefix");
  const installed = run(NPM, ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(work, info!.filename)], work);
  assert.equal(installed.code, 0, installed.stderr);
  assert.doesNotMatch(installed.stderr, /prepare/i, "no warning about a prepare script");

  const fastdapr = join(prefix, "bin", "fastdapr");
  const cwd = join(work, "user");
  mkdirSync(cwd);
  const help = run(fastdapr, ["--help"], cwd);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: fastdapr \[options\] \[command\]/);
  const created = run(fastdapr, ["new", "demo-service", "--json"], cwd);
  assert.equal(created.code, 0, created.stdout + created.stderr);
  assert.equal(JSON.parse(created.stdout).path, "demo-service");
  const platform = run(fastdapr, ["init", "learnflow", "--preset", "learnflow", "--json"], cwd);
  assert.equal(platform.code, 0, platform.stdout + platform.stderr);
  assert.equal(JSON.parse(platform.stdout).root, "learnflow");
  assert.ok(readdirSync(join(cwd, "learnflow/services")).length === 6);
  assert.equal(run(fastdapr, ["check"], join(cwd, "learnflow/services/triage-service")).code, 0, "and check finds the manifest from a service folder");
});
