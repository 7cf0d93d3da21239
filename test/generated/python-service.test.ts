// Renders every sample service and runs its own checks in the pinned virtualenv:
// ruff check, ruff format --check, mypy (strict, from the generated pyproject) and pytest.
import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderService } from "../../src/render/service.js";
import { Tree } from "../../src/tree/tree.js";
import { SAMPLE_SERVICES } from "../support/samples.js";
import { writeTreeTo } from "../support/write-tree.js";
import { assertPythonChecksPass, pythonVenv } from "../support/python-checks.js";

const venv = pythonVenv();
const out = mkdtempSync(join(tmpdir(), "fastdapr-python-"));
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

for (const options of SAMPLE_SERVICES) {
  test(`generated ${options.name} passes ruff, mypy and its own tests`, () => {
    const tree = new Tree();
    renderService(buildServiceModel(options), tree.scope(options.name));
    writeTreeTo(tree, out);
    assertPythonChecksPass(join(out, options.name), venv, options.name);
  });
}
