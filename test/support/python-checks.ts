// Runs a generated service's own checks in the pinned virtualenv: ruff check, ruff format --check,
// mypy (strict, from the generated pyproject) and pytest. Shared by the generated-code tests.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** The cached virtualenv with the pinned dependencies (built on first use by scripts/python-env.sh). */
export function pythonVenv(): string {
  return execFileSync("bash", [join(ROOT, "scripts", "python-env.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

const CHECKS: [string, string[]][] = [
  ["ruff", ["check", "--no-cache", "."]],
  ["ruff", ["format", "--check", "--no-cache", "."]],
  ["mypy", ["--no-incremental", "."]],
  ["pytest", ["-q", "-p", "no:cacheprovider"]],
];

/** Asserts that every check passes in `dir`, showing the tool's output when one fails. */
export function assertPythonChecksPass(dir: string, venv: string, label: string): void {
  for (const [tool, args] of CHECKS) {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(venv, "bin")}:${process.env.PATH ?? ""}` };
    // the generated tests must not depend on a developer's Dapr variables
    for (const name of ["DAPR_HTTP_PORT", "DAPR_API_TOKEN", "APP_API_TOKEN", "DAPR_CONTRACT_HTTP_PORT"]) delete env[name];
    const run = spawnSync(join(venv, "bin", tool), args, { cwd: dir, env, encoding: "utf8", timeout: 300_000 });
    assert.equal(run.status, 0, `${tool} ${args.join(" ")} failed in ${label}:\n${run.stdout}\n${run.stderr}${run.error ? String(run.error) : ""}`);
  }
}
