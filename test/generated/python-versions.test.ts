// Every Python version a service may target besides the default (src/versions.ts PYTHON_VERSIONS) gets generated code
// that is clean on that target: ruff's pyupgrade rules and formatter, and mypy, read the version from
// the generated pyproject.toml and judge the code by it. They run here in the pinned virtualenv on
// the host's Python; pytest runs on the host (python-service.test.ts) and, for the default, inside
// Debian trixie's Python (test/e2e/python-trixie.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderService } from "../../src/render/service.js";
import { Tree } from "../../src/tree/tree.js";
import { PYTHON_VERSION, PYTHON_VERSIONS } from "../../src/versions.js";
import { SAMPLE_SERVICES } from "../support/samples.js";
import { writeTreeTo } from "../support/write-tree.js";
import { pythonVenv } from "../support/python-checks.js";

const venv = pythonVenv();
const out = mkdtempSync(join(tmpdir(), "fastdapr-python-versions-"));
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

/** mypy is the slow check: the samples that together use every template (typed payloads, both agent backends, pub/sub, invocation) */
const MYPY_SAMPLES = ["progress-service", "exercise-service", "debug-service"];

function run(tool: string, args: string[], cwd: string): void {
  const r = spawnSync(join(venv, "bin", tool), args, { cwd, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, `${tool} ${args.join(" ")} failed in ${cwd}:\n${r.stdout}\n${r.stderr}${r.error ? String(r.error) : ""}`);
}

// the default's checks (and pytest) run on every sample in python-service.test.ts
for (const version of PYTHON_VERSIONS.filter((v) => v !== PYTHON_VERSION)) {
  test(`Python ${version}: every sample service passes ruff check, ruff format --check and mypy with that target`, () => {
    const root = join(out, version);
    const tree = new Tree();
    for (const options of SAMPLE_SERVICES) renderService(buildServiceModel({ ...options, pythonVersion: version }), tree.scope(options.name));
    writeTreeTo(tree, root);
    for (const options of SAMPLE_SERVICES) {
      const pyproject = readFileSync(join(root, options.name, "pyproject.toml"), "utf8");
      assert.match(pyproject, new RegExp(`^target-version = "py${version.replace(".", "")}"$`, "m"), options.name);
    }
    // one ruff run: each file is judged by its own service's pyproject.toml
    run("ruff", ["check", "--no-cache", "."], root);
    run("ruff", ["format", "--check", "--no-cache", "."], root);
    for (const name of MYPY_SAMPLES) run("mypy", ["--no-incremental", "."], join(root, name));
  });
}
