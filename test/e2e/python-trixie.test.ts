// Issue #19: the generated services' own checks (ruff check, ruff format --check, mypy, pytest) run
// inside the image the generated Dockerfile builds FROM by default, python:3.13-slim-trixie, not only
// on the host's Python 3.11. Here that image is the stand-in scripts/provision-docker.sh makes from
// Debian trixie (Debian's own Python 3.13, which the script checks against the tag); the checks
// themselves are the ones python-service.test.ts runs on the host, on every sample service.
//
// The pinned dependencies (runtime, agent and dev, as scripts/python-env.sh installs them on the
// host) are installed from PyPI into a venv on top of that base, in an image built once per base
// image and pin list (the build uses the host's network: the private daemon has no NAT); the
// checks then run in containers without any network, on the rendered services mounted in.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderService } from "../../src/render/service.js";
import { Tree } from "../../src/tree/tree.js";
import { CONTAINER_IMAGES, PYTHON_AGENT_DEPENDENCIES, PYTHON_DEPENDENCIES, PYTHON_DEV_DEPENDENCIES, PYTHON_VERSION } from "../../src/versions.js";
import { SAMPLE_SERVICES } from "../support/samples.js";
import { writeTreeTo } from "../support/write-tree.js";
import { startDocker, type Docker } from "./harness/docker.js";

const out = mkdtempSync(join(tmpdir(), "fastdapr-python-trixie-"));
let docker: Docker | undefined;
let checksImage = "";

/** The base image every generated Dockerfile names (both stages), read from the rendered files. */
function baseImages(): Set<string> {
  const images = new Set<string>();
  for (const s of SAMPLE_SERVICES) {
    const dockerfile = readFileSync(join(out, s.name, "Dockerfile"), "utf8");
    for (const m of dockerfile.matchAll(/^FROM (\S+)/gm)) images.add(m[1]!);
  }
  return images;
}

/** exactly the pins scripts/python-env.sh installs on the host (scripts/python-requirements.ts) */
const REQUIREMENTS = Object.entries({ ...PYTHON_DEPENDENCIES, ...PYTHON_AGENT_DEPENDENCIES, ...PYTHON_DEV_DEPENDENCIES })
  .map(([name, version]) => `${name}==${version}`)
  .sort()
  .join("\n");

before(async () => {
  const tree = new Tree();
  for (const options of SAMPLE_SERVICES) renderService(buildServiceModel(options), tree.scope(options.name));
  writeTreeTo(tree, out);
  docker = await startDocker();
});
after(async () => {
  await docker?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe(`Generated services checked inside ${CONTAINER_IMAGES.python} (Debian trixie's Python)`, () => {
  it("every generated Dockerfile builds FROM the default image, and its Python is the one the pyproject targets", { timeout: 900_000 }, async () => {
    const d = docker!;
    assert.deepEqual([...baseImages()], [CONTAINER_IMAGES.python]);
    const base = CONTAINER_IMAGES.python;
    const baseId = (await d.docker(["image", "inspect", "--format", "{{.Id}}", base])).trim();
    // one image per base image and pin list: a warm run reuses it, a pin change builds a new one
    const key = createHash("sha256").update(`${baseId}\n${REQUIREMENTS}\n`).digest("hex").slice(0, 16);
    checksImage = `fastdapr-test/python-checks:${key}`;
    const cached = await d.tryDocker(["image", "inspect", checksImage]);
    if (cached.code !== 0) {
      const ctx = join(out, ".checks-image");
      mkdirSync(ctx);
      writeFileSync(join(ctx, "requirements.txt"), `${REQUIREMENTS}\n`);
      writeFileSync(
        join(ctx, "Dockerfile"),
        [
          `FROM ${base}`,
          "ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1",
          "COPY requirements.txt /tmp/requirements.txt",
          "RUN python -m venv /opt/venv && /opt/venv/bin/pip install -q -r /tmp/requirements.txt",
          "ENV PATH=/opt/venv/bin:$PATH",
          "",
        ].join("\n"),
      );
      const t0 = Date.now();
      await d.docker(["build", "--network", "host", "--label", "dev.fastdapr.test=python-checks", "--tag", checksImage, ctx], { timeoutMs: 900_000 });
      process.stdout.write(`# built ${checksImage} on ${base} in ${Math.round((Date.now() - t0) / 1000)}s\n`);
    }
    const version = (await d.docker(["run", "--rm", "--network", "none", checksImage, "python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])).trim();
    assert.equal(version, PYTHON_VERSION, `${base} runs Python ${version}`);
    for (const s of SAMPLE_SERVICES) {
      const pyproject = parseToml(readFileSync(join(out, s.name, "pyproject.toml"), "utf8")) as { tool: { mypy: { python_version: string } } };
      assert.equal(pyproject.tool.mypy.python_version, version, `${s.name} targets the image's Python`);
    }
  });

  for (const options of SAMPLE_SERVICES) {
    it(`${options.name}: ruff check, ruff format --check, mypy and pytest pass on Python ${PYTHON_VERSION}`, { timeout: 600_000 }, async () => {
      assert.ok(checksImage, "the checks image was built by the first test");
      const checks = ["ruff check --no-cache .", "ruff format --check --no-cache .", "mypy --no-incremental .", "pytest -q -p no:cacheprovider"];
      const run = await docker!.tryDocker(
        [
          "run",
          "--rm",
          "--network",
          "none",
          "--volume",
          `${join(out, options.name)}:/srv/service`,
          "--workdir",
          "/srv/service",
          checksImage,
          "sh",
          "-ec",
          checks.map((c) => `echo "== ${c}"; ${c}`).join("\n"),
        ],
        { timeoutMs: 590_000 },
      );
      assert.equal(run.code, 0, `${options.name} on ${CONTAINER_IMAGES.python}:\n${run.stdout.slice(-6000)}\n${run.stderr.slice(-3000)}`);
      assert.match(run.stdout, /passed/, run.stdout);
    });
  }
});
