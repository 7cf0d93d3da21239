// Dapr component names say what a component is for, not which broker serves it: the same name runs
// on Redis Streams in development and on Kafka in production. And a platform generated under the
// old default name ("kafka-pubsub") regenerates cleanly under the new one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { DEFAULTS } from "../../src/model/build-service.js";
import { renderedPlatform } from "../support/platforms.js";
import { runCli } from "../support/cli.js";

const BROKERS = /kafka|redis|postgres/i;

test("LearnFlow's components are named for their role, true for every environment", () => {
  assert.doesNotMatch(DEFAULTS.pubsubName, BROKERS);
  assert.doesNotMatch(DEFAULTS.stateStore, BROKERS);
  const tree = renderedPlatform(learnflowPreset());
  const components = tree
    .list()
    .filter((f) => f.path.endsWith(".yaml") && /^(dapr|deploy\/overlays\/\w+\/dapr)\//.test(f.path))
    .map((f) => ({ path: f.path, doc: parse(f.content) as { kind: string; metadata: { name: string }; spec: { type: string } } }))
    .filter((c) => c.doc.kind === "Component");
  const pubsubs = components.filter((c) => c.doc.spec.type.startsWith("pubsub."));
  // one name, served by Redis in development and Kafka in production
  assert.deepEqual(new Set(pubsubs.map((c) => c.doc.spec.type)), new Set(["pubsub.redis", "pubsub.kafka"]));
  assert.deepEqual(new Set(pubsubs.map((c) => c.doc.metadata.name)), new Set(["pubsub"]));
  for (const c of components) assert.doesNotMatch(c.doc.metadata.name, BROKERS, c.path);
  // nothing generated names the Redis-backed dev component after Kafka
  for (const f of tree.list()) assert.doesNotMatch(f.content, /kafka-pubsub/, f.path);
});

test("renaming the pub/sub component regenerates cleanly: old-named files go, user files stay", async () => {
  const root = mkdtempSync(join(tmpdir(), "fastdapr-rename-"));
  const manifest = (name: string) =>
    `apiVersion: fastdapr/v1\nname: shop\ndefaults:\n  pubsub: {name: ${name}}\ntopics:\n  orders.created: {}\nservices:\n  orders-service: {port: 8001, publishes: [orders.created]}\n  stock-service: {port: 8002, subscribes: [orders.created]}\n`;
  writeFileSync(join(root, "fastdapr.yaml"), manifest("kafka-pubsub"));
  assert.equal((await runCli(["generate"], root)).code, 0);
  const handler = join(root, "services/stock-service/app/handlers/orders_created.py");
  writeFileSync(handler, `${readFileSync(handler, "utf8")}# my edit\n`);
  assert.ok(existsSync(join(root, "deploy/overlays/dev/network/kafka-pubsub-egress.yaml")));

  writeFileSync(join(root, "fastdapr.yaml"), manifest("pubsub"));
  const run = await runCli(["generate", "--json"], root);
  assert.equal(run.code, 0, run.stdout);
  const report = JSON.parse(run.stdout);
  assert.ok(report.updated > 0 && report.deleted > 0, run.stdout);
  assert.ok(!existsSync(join(root, "deploy/overlays/dev/network/kafka-pubsub-egress.yaml")), "the old-named policy is deleted");
  assert.ok(existsSync(join(root, "deploy/overlays/dev/network/pubsub-egress.yaml")));
  assert.match(readFileSync(handler, "utf8"), /# my edit\n$/, "the user's handler is untouched");
  for (const path of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    const full = join(root, path);
    if (path.startsWith(".fastdapr") || !statSync(full).isFile()) continue;
    assert.doesNotMatch(readFileSync(full, "utf8"), /kafka-pubsub/, path);
  }
  assert.equal((await runCli(["check"], root)).code, 0, "no drift after the rename");
});
