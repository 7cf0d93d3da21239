// Issue #19: the Python version of generated services is a setting (manifest defaults.python,
// `fastdapr new --python`). The Dockerfile's base image, requires-python, ruff's target-version and
// mypy's python_version follow it; a version the generated code and its pins do not support is
// refused with exit 2, naming the value and the supported list, and nothing is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { FastdaprError } from "../../src/core/errors.js";
import { PACKAGE_ROOT } from "../../src/core/package-root.js";
import { parseManifest } from "../../src/manifest/load.js";
import { blankPreset } from "../../src/manifest/presets/blank.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { VALUE_FORMATS } from "../../src/app/formats.js";
import { NEW } from "../../src/app/spec.js";
import { CONTAINER_IMAGES, PYTHON_VERSION, PYTHON_VERSIONS, pythonImage } from "../../src/versions.js";
import { renderedPlatform } from "../support/platforms.js";
import { runCli } from "../support/cli.js";
import { snapshot } from "../support/fs-snapshot.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const manifest = (defaults: string) => `apiVersion: fastdapr/v1
name: shop
${defaults}topics:
  orders.created:
    description: An order was placed.
services:
  orders-service:
    port: 8001
    publishes: [ orders.created ]
  billing-service:
    port: 8002
    subscribes: [ orders.created ]
`;

/** What a service's files say about its Python: the two FROM lines, requires-python, ruff and mypy targets. */
function pythonOf(files: { get(path: string): { content: string } | undefined }, prefix = ""): Obj {
  const dockerfile = files.get(`${prefix}Dockerfile`)!.content;
  const pyproject = parseToml(files.get(`${prefix}pyproject.toml`)!.content) as Obj;
  return {
    from: [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]),
    requires: pyproject.project["requires-python"],
    ruff: pyproject.tool.ruff["target-version"],
    mypy: pyproject.tool.mypy.python_version,
  };
}

const expected = (v: string) => ({
  from: [`python:${v}-slim-trixie`, `python:${v}-slim-trixie`],
  requires: `>=${v}`,
  ruff: `py${v.replace(".", "")}`,
  mypy: v,
});

test("the default is Python 3.13 on Debian trixie, and the stand-in image the tests build has the name the Dockerfile uses", () => {
  assert.equal(PYTHON_VERSION, "3.13");
  assert.deepEqual([...PYTHON_VERSIONS], ["3.11", "3.12", "3.13"]);
  assert.equal(CONTAINER_IMAGES.python, "python:3.13-slim-trixie");
  assert.equal(pythonImage("3.11"), "python:3.11-slim-trixie");
  assert.deepEqual(pythonOf(renderServiceTree(buildServiceModel({ name: "solo-service" }))), expected("3.13"));
});

test("a manifest without defaults.python gets the default in every service; the presets write it out", () => {
  assert.equal(parseManifest(manifest("")).manifest.defaults.python, PYTHON_VERSION);
  const tree = renderedPlatform(manifest(""));
  for (const svc of ["orders-service", "billing-service"]) assert.deepEqual(pythonOf(tree, `services/${svc}/`), expected(PYTHON_VERSION), svc);
  // init writes the version out, so a later fastdapr with another default changes nothing by itself
  for (const text of [blankPreset(), learnflowPreset()]) assert.match(text, new RegExp(`^  python: "${PYTHON_VERSION}"$`, "m"));
});

for (const version of PYTHON_VERSIONS) {
  test(`defaults.python "${version}": every service's Dockerfile, requires-python, ruff and mypy follow it`, () => {
    const tree = renderedPlatform(manifest(`defaults:\n  python: "${version}"\n`));
    for (const svc of ["orders-service", "billing-service"]) assert.deepEqual(pythonOf(tree, `services/${svc}/`), expected(version), svc);
  });
}

function manifestError(text: string): FastdaprError {
  try {
    parseManifest(text);
  } catch (error) {
    assert.ok(error instanceof FastdaprError, String(error));
    return error;
  }
  assert.fail("the manifest was accepted");
}

test("an unsupported defaults.python is refused (exit 2) at its line, naming the value, the list and why", () => {
  const cases = [
    { value: '"3.10"', got: /got the string "3\.10"/, why: /need Python 3\.11 or newer/ },
    { value: '"3.14"', got: /got the string "3\.14"/, why: /not yet checked on ruff's 3\.14 target/ },
    { value: '"3.15"', got: /got the string "3\.15"/, why: /do not declare it yet/ },
    // YAML reads an unquoted 3.12 as a number
    { value: "3.12", got: /got the number 3\.12/, why: /quote the version/ },
  ];
  for (const c of cases) {
    const error = manifestError(manifest(`defaults:\n  python: ${c.value}\n`));
    assert.equal(error.code, "E_MANIFEST_VALUE", c.value);
    assert.equal(error.exitCode, 2);
    assert.equal(error.location, "fastdapr.yaml:4:11", c.value);
    assert.match(error.message, /^defaults\.python: expected "3\.11" or "3\.12" or "3\.13", /, c.value);
    assert.match(error.message, c.got);
    assert.match(error.hint ?? "", c.why, c.value);
  }
});

test("new --python <version> writes that version's files", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-python-"));
  const run = await runCli(["new", "orders-service", "--python", "3.11", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const read = (path: string) => ({ content: readFileSync(join(cwd, "orders-service", path), "utf8") });
  assert.deepEqual(pythonOf({ get: read }), expected("3.11"));
});

test("new --python with an unsupported version: exit 2, E_PYTHON_VERSION naming the value and the supported list, nothing written", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-python-"));
  for (const value of ["3.10", "3.14", "three"]) {
    const run = await runCli(["new", "orders-service", "--python", value, "--json"], cwd);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const answer = JSON.parse(run.stdout) as Obj;
    assert.equal(answer.error.code, "E_PYTHON_VERSION");
    assert.equal(answer.error.location, "--python");
    assert.equal(answer.error.message, `Python "${value}" is not supported by the generated code and its pinned dependencies; supported: 3.11, 3.12, 3.13`);
    assert.match(answer.error.hint, /use one of 3\.11, 3\.12, 3\.13 \(default 3\.13\)/);
    assert.equal(existsSync(join(cwd, "orders-service")), false, "nothing written");
  }
});

test("new's --python flag is declared once, for the CLI and the new_service tool, with the supported list", () => {
  const flag = NEW.params.find((p) => p.cli === "--python <version>");
  assert.ok(flag, "new has --python");
  assert.equal(flag.format, "pythonVersion");
  assert.equal(VALUE_FORMATS.pythonVersion.safeParse("3.13").success, true);
  assert.equal(VALUE_FORMATS.pythonVersion.safeParse("3.10").success, false);
  assert.match(flag.description, /3\.11, 3\.12, 3\.13; default 3\.13/);
});

test("regenerating a platform that had no defaults.python: only the Dockerfiles and pyproject.toml files change", async () => {
  // a platform generated when the default was 3.11 (written out here, as the old default applied it)
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-python-"));
  writeFileSync(join(cwd, "fastdapr.yaml"), manifest('defaults:\n  python: "3.11"\n'));
  const first = await runCli(["generate", "--json"], cwd);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const before = snapshot(cwd);
  // the same manifest without the setting, as such a platform's manifest reads
  writeFileSync(join(cwd, "fastdapr.yaml"), manifest(""));
  const second = await runCli(["generate", "--json"], cwd);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  const after = snapshot(cwd);
  const changed = [...after.keys()].filter((path) => path !== "fastdapr.yaml" && !path.startsWith(".fastdapr/") && before.get(path)?.content !== after.get(path)!.content);
  assert.deepEqual(changed.sort(), [
    "services/billing-service/Dockerfile",
    "services/billing-service/pyproject.toml",
    "services/orders-service/Dockerfile",
    "services/orders-service/pyproject.toml",
  ]);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), "no file added or removed");
  for (const svc of ["orders-service", "billing-service"]) {
    const read = (path: string) => ({ content: readFileSync(join(cwd, "services", svc, path), "utf8") });
    assert.deepEqual(pythonOf({ get: read }), expected(PYTHON_VERSION), svc);
  }
});

test("provision-docker.sh builds the Python stand-in from the Debian release and Python version the default image's name gives", () => {
  const script = readFileSync(join(PACKAGE_ROOT, "scripts", "provision-docker.sh"), "utf8");
  const lines = script.split("\n").filter((line) => /^PYTHON_(TAG|SUITE|MINOR)=/.test(line));
  assert.equal(lines.length, 3, "the script derives the tag, the suite and the minor version from the image name");
  const derived = execFileSync(
    "bash",
    ["-c", [`declare -A IMAGE=([python]=${JSON.stringify(CONTAINER_IMAGES.python)})`, ...lines, 'echo "$PYTHON_SUITE $PYTHON_MINOR"'].join("\n")],
    {
      encoding: "utf8",
    },
  ).trim();
  assert.equal(derived, `trixie ${PYTHON_VERSION}`);
  // and it refuses to import a Debian whose python3 is another version than the name says
  assert.match(script, /python_matches_tag "\$ROOTFS\/python" \\\n\s+&& import_rootfs "\$ROOTFS\/python" "\$\{IMAGE\[python\]\}"/);
});
