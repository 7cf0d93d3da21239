// One pinned Dapr runtime (and Kafka broker): the images fastdapr generates and what
// scripts/provision.sh builds for the tests come from runtime-versions.json alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../../src/core/package-root.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { DAPR_RUNTIME_VERSION, KAFKA_VERSION, RUNTIME_VERSIONS_FILE } from "../../src/versions.js";
import type { ComposeFile } from "../../src/render/compose.js";
import { renderedPlatform } from "../support/platforms.js";

const pinned = JSON.parse(readFileSync(join(PACKAGE_ROOT, "runtime-versions.json"), "utf8")) as { dapr: string; kafka: string };

/** The versions a provision script computes by default: its lines up to `upTo`, run by bash with no overrides. */
function scriptDefaults(file: string, upTo: string, vars: string[]): string[] {
  const path = join(PACKAGE_ROOT, "scripts", file);
  const script = readFileSync(path, "utf8").split("\n");
  const last = script.findIndex((line) => line.startsWith(`${upTo}=`));
  assert.ok(last > 0, `${file} sets ${upTo}`);
  const head = [...script.slice(0, last + 1), `echo ${vars.map((v) => `"$${v}"`).join(" ")}`].join("\n");
  const env = { ...process.env };
  delete env.FASTDAPR_DAPR_VERSION;
  delete env.FASTDAPR_KAFKA_VERSION;
  // BASH_SOURCE of `bash -c` is empty: run it as the file in scripts/ so it finds its lib and the JSON beside the repo
  return execFileSync("bash", ["-c", head.replace('"${BASH_SOURCE[0]}"', JSON.stringify(path))], { env, encoding: "utf8" })
    .trim()
    .split(" ");
}

function provisionDefaults(): { dapr: string; kafka: string } {
  const [dapr, kafka] = scriptDefaults("provision.sh", "KAFKA_VERSION", ["DAPR_VERSION", "KAFKA_VERSION"]);
  return { dapr: dapr!, kafka: kafka! };
}

test("the generator and provision.sh read the same pinned Dapr and Kafka versions", () => {
  assert.equal(RUNTIME_VERSIONS_FILE, join(PACKAGE_ROOT, "runtime-versions.json"));
  assert.deepEqual({ dapr: DAPR_RUNTIME_VERSION, kafka: KAFKA_VERSION }, { dapr: pinned.dapr, kafka: pinned.kafka });
  // 1.18.3's dependencies are refused by the Go module proxy (docs/real-runtime.md): 1.18.2 is what the tests run
  assert.equal(pinned.dapr, "1.18.2");
  assert.deepEqual(provisionDefaults(), { dapr: pinned.dapr, kafka: pinned.kafka });
  // the sidecar injector of the Kubernetes tests comes from the same Dapr release as daprd
  assert.deepEqual(scriptDefaults("provision-kube.sh", "DAPR_VERSION", ["DAPR_VERSION"]), [pinned.dapr]);
});

test("compose files name the pinned daprd and Kafka images", () => {
  const files = [
    renderServiceTree(buildServiceModel({ name: "solo-service" })).get("docker-compose.yml")!.content,
    // LearnFlow with Kafka for local runs too, so its compose file runs a broker
    renderedPlatform(learnflowPreset().replace(/dev: redis\n(\s+)prod: kafka/, "dev: kafka\n$1prod: kafka")).get("docker-compose.yml")!.content,
  ];
  for (const text of files) {
    const images = Object.values((parse(text) as ComposeFile).services).map((s) => s.image);
    const daprd = images.filter((i) => i.startsWith("daprio/daprd:"));
    assert.ok(daprd.length > 0);
    assert.deepEqual([...new Set(daprd)], [`daprio/daprd:${pinned.dapr}`]);
    assert.deepEqual(
      images.filter((i) => i.startsWith("apache/kafka:")),
      [`apache/kafka:${pinned.kafka}`],
    );
  }
});
