// Generation runs no formatter (src/render/python-format.ts): the templates, the layout of the
// statements whose length depends on the manifest (python-layout.ts) and the literal helpers must
// write Python exactly as `ruff format` does, for every input the manifest allows. This renders the
// corpus of test/support/format-corpus.ts (the sample services on every Python version, every tier
// with and without an agent and with both backends, every name at its longest, seeded random names
// and descriptions, the presets as platforms), checks that not one file went through ruff, and runs
// the pinned ruff over every .py file, each judged by its own service's pyproject.toml.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastdaprError } from "../../src/core/errors.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { ruffRuns } from "../../src/render/python-format.js";
import { renderService } from "../../src/render/service.js";
import { Tree } from "../../src/tree/tree.js";
import { formatCorpus } from "../support/format-corpus.js";
import { writeTreeTo } from "../support/write-tree.js";
import { pythonVenv } from "../support/python-checks.js";

const venv = pythonVenv();
const out = mkdtempSync(join(tmpdir(), "fastdapr-format-clean-"));
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

function ruff(args: string[], cwd: string): void {
  const run = spawnSync(join(venv, "bin", "ruff"), args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `ruff ${args.join(" ")}:\n${run.stdout.slice(0, 20_000)}\n${run.stderr}`);
}

test("no generated .py file needs a formatter: each is already what ruff format writes, and ruff check is clean", () => {
  const before = ruffRuns.files;
  const tree = formatCorpus();
  assert.equal(ruffRuns.files - before, 0, "files that went through ruff at generation");
  const python = tree.list().filter((f) => f.path.endsWith(".py"));
  assert.ok(python.length > 3000, `the corpus has ${python.length} Python files`);
  writeTreeTo(tree, out);
  ruff(["format", "--check", "--no-cache", "."], out);
  ruff(["check", "--no-cache", "."], out);
});

test("a topic that makes no Python name (a part starting with a digit) is refused before anything renders", () => {
  // the formatter's parse error used to stop it; now the topic rule refuses it (E_TOPIC)
  assert.throws(
    () => renderService(buildServiceModel({ name: "x-service", subscribes: ["1a.b"] }), new Tree()),
    (e: FastdaprError) => e.code === "E_TOPIC",
  );
});
