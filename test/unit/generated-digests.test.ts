// Generated trees stay byte-identical across refactors of the layers above them: every preset, every
// tier (and agent backend) of a standalone service, the sample services and the synthetic platforms
// of the generation benchmark are rendered in memory and their digests compared with the fixture
// recorded from the code before the change. A change that is meant to alter generated files
// re-records the fixture: FASTDAPR_RECORD_DIGESTS=1 node --import tsx --test test/unit/generated-digests.test.ts
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { platformTree } from "../../src/commands/platform.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { parseManifest } from "../../src/manifest/load.js";
import { PRESETS, PRESET_NAMES } from "../../src/manifest/presets/index.js";
import { buildServiceModel, type ServiceOptions } from "../../src/model/build-service.js";
import { AGENT_BACKENDS, TIERS } from "../../src/model/service.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import type { Tree } from "../../src/tree/tree.js";
import { PYTHON_VERSIONS } from "../../src/versions.js";
import { SAMPLE_SERVICES } from "../support/samples.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/digest");
const DIGESTS = join(FIXTURES, "digests.json");
const RECORD = process.env.FASTDAPR_RECORD_DIGESTS === "1";

interface Digest {
  files: number;
  sha256: string;
}

/** Every path, owner, mode and byte of a tree, in path order. */
function digest(tree: Tree): Digest {
  const hash = createHash("sha256");
  const files = tree.list();
  for (const f of files) hash.update(`${f.path}\0${f.owner}\0${f.executable ? "x" : "-"}\0${f.rewrite ? "r" : "-"}\0${f.content}\0`);
  return { files: files.length, sha256: hash.digest("hex") };
}

function platformDigest(text: string): Digest {
  const loaded = parseManifest(text);
  return digest(platformTree(buildPlatform(loaded.manifest, loaded.positions), text));
}

function serviceDigest(options: ServiceOptions): Digest {
  return digest(renderServiceTree(buildServiceModel(options)));
}

const cases: Record<string, () => Digest> = {};
for (const preset of PRESET_NAMES) cases[`preset ${preset}`] = () => platformDigest(PRESETS[preset]());
for (const tier of TIERS)
  cases[`new --tier ${tier}`] = () => serviceDigest({ name: `${tier}-service`, tier, subscribes: ["a.b"], publishes: ["c.d"], stateKeys: ["k:{id}"], invokes: ["other-service"] });
for (const backend of AGENT_BACKENDS) cases[`new --agent-backend ${backend}`] = () => serviceDigest({ name: "agent-service", agent: true, agentBackend: backend });
for (const python of PYTHON_VERSIONS) cases[`new --python ${python}`] = () => serviceDigest({ name: "py-service", pythonVersion: python });
for (const sample of SAMPLE_SERVICES) cases[`sample ${sample.name}`] = () => serviceDigest(sample);
for (const size of [10, 50]) cases[`synthetic-${size}`] = () => platformDigest(readFileSync(join(FIXTURES, `synthetic-${size}.yaml`), "utf8"));

const recorded: Record<string, Digest> = existsSync(DIGESTS) ? JSON.parse(readFileSync(DIGESTS, "utf8")) : {};
const now: Record<string, Digest> = {};

for (const [name, render] of Object.entries(cases)) {
  test(`generated tree of ${name} is byte-identical to the recorded one`, () => {
    now[name] = render();
    if (RECORD) return;
    assert.ok(recorded[name], `no recorded digest for ${name}: record with FASTDAPR_RECORD_DIGESTS=1`);
    assert.deepEqual(now[name], recorded[name]);
  });
}

test("every recorded case is still rendered", () => {
  if (RECORD) {
    writeFileSync(DIGESTS, `${JSON.stringify(now, null, 2)}\n`);
    return;
  }
  assert.deepEqual(Object.keys(recorded).sort(), Object.keys(cases).sort());
});
