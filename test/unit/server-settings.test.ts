// The server of a generated service: worker processes follow the tier's CPU request, and the
// launcher (`python -m app`, the image's command) reads them from WEB_CONCURRENCY with production
// settings (uvloop, httptools).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { TIER_RESOURCES, webConcurrency } from "../../src/model/tiers.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { PYTHON_DEPENDENCIES } from "../../src/versions.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

test("one worker per core of the CPU request, at least one", () => {
  const spec = (cpuRequest: string) => ({ ...TIER_RESOURCES.standard, cpuRequest });
  assert.equal(webConcurrency(spec("100m")), 1);
  assert.equal(webConcurrency(spec("999m")), 1);
  assert.equal(webConcurrency(spec("1")), 1);
  assert.equal(webConcurrency(spec("1500m")), 1);
  assert.equal(webConcurrency(spec("2")), 2);
  assert.equal(webConcurrency(spec("4000m")), 4);
});

test("each tier's ConfigMap sets WEB_CONCURRENCY from its CPU request", () => {
  for (const tier of ["lightweight", "standard", "agent"] as const) {
    const tree = renderServiceTree(buildServiceModel({ name: "solo-service", tier }));
    const configMap = parse(tree.get("k8s/configmap.yaml")!.content) as Obj;
    assert.equal(configMap.data.WEB_CONCURRENCY, String(webConcurrency(TIER_RESOURCES[tier])), tier);
  }
});

test("python -m app serves with uvloop, httptools and WEB_CONCURRENCY workers, which it installs", () => {
  const tree = renderServiceTree(buildServiceModel({ name: "solo-service" }));
  const launcher = tree.get("app/__main__.py")!.content;
  assert.match(launcher, /workers=settings\.web_concurrency/);
  assert.match(launcher, /loop="uvloop"/);
  assert.match(launcher, /http="httptools"/);
  assert.match(tree.get("app/core/config.py")!.content, /web_concurrency: int = Field\(default=1, ge=1\)/);
  const deps = (tree.get("pyproject.toml")!.content.match(/dependencies = \[([^\]]*)\]/) ?? [])[1] ?? "";
  for (const pkg of ["uvloop", "httptools", "aiohttp"] as const) {
    assert.ok(deps.includes(`"${pkg}==${PYTHON_DEPENDENCIES[pkg]}"`), `${pkg} is a runtime dependency: ${deps}`);
  }
  assert.ok(!deps.includes('"httpx=='), "httpx is a development dependency only");
});
