// Renders every sample service and runs its own checks in the pinned virtualenv:
// ruff check, ruff format --check, mypy (strict, from the generated pyproject) and pytest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderService } from "../../src/render/service.js";
import { Tree } from "../../src/tree/tree.js";
import { SAMPLE_SERVICES } from "../support/samples.js";
import { writeTreeTo } from "../support/write-tree.js";

const root = join(import.meta.dirname, "..", "..");
const venv = execFileSync("bash", [join(root, "scripts", "python-env.sh")], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
}).trim();
const out = mkdtempSync(join(tmpdir(), "fastdapr-python-"));
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

const CHECKS: [string, string[]][] = [
  ["ruff", ["check", "--no-cache", "."]],
  ["ruff", ["format", "--check", "--no-cache", "."]],
  ["mypy", ["--no-incremental", "."]],
  ["pytest", ["-q", "-p", "no:cacheprovider"]],
];

for (const options of SAMPLE_SERVICES) {
  test(`generated ${options.name} passes ruff, mypy and its own tests`, () => {
    const tree = new Tree();
    renderService(buildServiceModel(options), tree.scope(options.name));
    writeTreeTo(tree, out);
    const dir = join(out, options.name);
    for (const [tool, args] of CHECKS) {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(venv, "bin")}:${process.env.PATH ?? ""}` };
      // the generated tests must not depend on a developer's Dapr variables
      for (const name of ["DAPR_HTTP_PORT", "DAPR_API_TOKEN", "APP_API_TOKEN", "DAPR_CONTRACT_HTTP_PORT"]) delete env[name];
      const run = spawnSync(join(venv, "bin", tool), args, { cwd: dir, env, encoding: "utf8", timeout: 300_000 });
      assert.equal(
        run.status,
        0,
        `${tool} ${args.join(" ")} failed in ${options.name}:\n${run.stdout}\n${run.stderr}${run.error ? String(run.error) : ""}`,
      );
    }
  });
}
