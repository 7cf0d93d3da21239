// The platform's asyncapi.yaml, read by the AsyncAPI project's own parser (@asyncapi/parser: the
// 3.0 JSON Schema, $ref resolution and its Spectral ruleset): no error diagnostics, and what it
// describes is checked against the manifest text itself, not against fastdapr's model: every
// topic is a channel with the manifest's schema as payload, every publish/subscribe an operation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface } from "@asyncapi/parser";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import type { Tree } from "../../src/tree/tree.js";
import { renderedPlatform } from "../support/platforms.js";
import { GENERATED_MARKER } from "../../src/tree/header.js";
import { runCli } from "../support/cli.js";

interface ManifestText {
  topics: Record<string, { schema?: unknown }>;
  services: Record<string, { publishes?: string[]; subscribes?: string[] }>;
}

/** Its asyncapi.yaml: a generated file at the platform root. */
function generatedAsyncApi(tree: Tree): string {
  const file = tree.get("asyncapi.yaml");
  assert.ok(file, "asyncapi.yaml at the platform root");
  assert.equal(file.owner, "generated");
  return file.content;
}

/** Parses with @asyncapi/parser and fails on any error-level diagnostic. */
async function parseValid(text: string): Promise<AsyncAPIDocumentInterface> {
  const { document, diagnostics } = await new Parser().parse(text);
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  assert.deepEqual(
    errors.map((d) => `${d.path.join("/")}: ${d.message}`),
    [],
    "the AsyncAPI parser reports errors",
  );
  assert.ok(document, "the parser returned a document");
  return document;
}

/** The parser annotates schemas with x-parser-* keys; the document itself does not contain them. */
function withoutParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.startsWith("x-parser-"))
        .map(([k, v]) => [k, withoutParserKeys(v)]),
    );
  }
  return value;
}

/** Every $ref in the raw YAML, to prove the document is self-contained (nothing fetched). */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

interface Op {
  action: string;
  channel: string;
  appId: unknown;
}

function operationsOf(doc: AsyncAPIDocumentInterface): Op[] {
  return doc
    .operations()
    .all()
    .map((op) => ({
      action: op.action(),
      channel: op.channels().all()[0]?.address() ?? "",
      appId: op.extensions().get("x-dapr-app-id")?.value(),
    }));
}

/** The content checks shared by every platform: channels, payloads and operations vs the manifest. */
function assertDescribesManifest(doc: AsyncAPIDocumentInterface, manifest: ManifestText): void {
  const topics = Object.keys(manifest.topics);
  const subscribed = new Set(Object.values(manifest.services).flatMap((s) => s.subscribes ?? []));
  const addresses = doc
    .channels()
    .all()
    .map((c) => c.address());
  assert.deepEqual(
    [...addresses].sort(),
    [...topics, ...topics.filter((t) => subscribed.has(t)).map((t) => `${t}-dlq`)].sort(),
    "one channel per topic, plus one dead-letter channel per subscribed topic",
  );
  for (const topic of topics) {
    const channel = doc
      .channels()
      .all()
      .find((c) => c.address() === topic)!;
    const messages = channel.messages().all();
    assert.equal(messages.length, 1, topic);
    const payload = withoutParserKeys(messages[0]!.payload()?.json());
    const expected = manifest.topics[topic]!.schema ?? { type: "object", description: "Any JSON object: the topic declares no schema." };
    assert.deepEqual(payload, expected, `payload of ${topic} is the manifest's schema`);
    const dlq = doc
      .channels()
      .all()
      .find((c) => c.address() === `${topic}-dlq`);
    if (dlq) assert.deepEqual(withoutParserKeys(dlq.messages().all()[0]!.payload()?.json()), expected, `${topic}-dlq carries the same event`);
  }

  const ops = operationsOf(doc);
  for (const [name, svc] of Object.entries(manifest.services)) {
    const mine = ops.filter((o) => o.appId === name);
    const on = (action: string, dlq: boolean) =>
      mine
        .filter((o) => o.action === action && o.channel.endsWith("-dlq") === dlq)
        .map((o) => o.channel)
        .sort();
    assert.deepEqual(on("send", false), [...(svc.publishes ?? [])].sort(), `${name}: send = publishes`);
    assert.deepEqual(on("receive", false), [...(svc.subscribes ?? [])].sort(), `${name}: receive = subscribes`);
    assert.deepEqual(on("send", true), (svc.subscribes ?? []).map((t) => `${t}-dlq`).sort(), `${name}: its sidecar dead-letters what it subscribes to`);
  }
  assert.ok(!ops.some((o) => o.action === "receive" && o.channel.endsWith("-dlq")), "nobody subscribes to a dead-letter topic");
  assert.ok(
    ops.every((o) => o.appId !== undefined),
    "every operation names the app id that performs it",
  );
}

test("LearnFlow's asyncapi.yaml parses without errors and describes every topic, payload and operation", async () => {
  const manifestText = learnflowPreset();
  const tree = renderedPlatform(manifestText);
  const text = generatedAsyncApi(tree);
  assert.match(tree.get("README.md")!.content, /\[`asyncapi\.yaml`\]\(asyncapi\.yaml\)/, "the platform README links it");
  assert.ok(text.startsWith(`# ${GENERATED_MARKER}`), text.slice(0, 80));
  const raw = parseYaml(text) as Record<string, unknown>;
  assert.equal(raw.asyncapi, "3.0.0");
  assert.deepEqual(
    refs(raw).filter((r) => !r.startsWith("#/")),
    [],
    "only local $refs: the parser never needs the network",
  );
  const doc = await parseValid(text);
  assert.equal(doc.info().title(), "learnflow");
  assertDescribesManifest(doc, parseYaml(manifestText) as ManifestText);
  assert.equal(doc.operations().all().length, 41);

  // servers follow the generated components: LearnFlow runs Redis Streams in dev, Kafka SASL/TLS in prod
  const servers = doc.servers();
  assert.deepEqual(
    servers.all().map((s) => [s.id(), s.protocol(), s.host()]),
    [
      ["local", "redis", "localhost:6379"],
      ["compose", "redis", "redis:6379"],
      ["dev", "redis", "redis-master.default.svc.cluster.local:6379"],
      ["prod", "kafka-secure", "kafka-kafka-bootstrap.kafka.svc.cluster.local:9093"],
    ],
  );
  const prodSecurity = servers
    .get("prod")!
    .security()
    .flatMap((req) => req.all().map((r) => r.scheme().type()));
  assert.deepEqual(prodSecurity, ["scramSha512"]);
  assert.equal(servers.get("dev")!.security().length, 0);

  // a subscriber's receive operation: the Kafka consumer group Dapr uses is the app id
  const receive = doc.operations().get("progress-service.subscribe.learning.query")!;
  assert.equal(receive.action(), "receive");
  assert.deepEqual(receive.bindings().get("kafka")?.value().groupId, { type: "string", enum: ["progress-service"] });
  assert.equal(receive.extensions().get("x-dapr-route")?.value(), "/events/learning.query");
});

const SMALL = `apiVersion: fastdapr/v1
name: shop
defaults:
  pubsub: { name: events, dev: kafka, prod: kafka }
topics:
  orders.created:
    description: An order was placed.
    schema:
      type: object
      required: [ order_id ]
      properties:
        order_id: { type: string, format: uuid }
        lines: { type: array, items: { type: object, additionalProperties: { type: integer } } }
        note: { type: [ string, "null" ], default: null }
  orders.audited: {}
services:
  orders-service:
    port: 8001
    publishes: [ orders.created, orders.audited ]
  stock-service:
    port: 8002
    subscribes: [ orders.created ]
  idle-service:
    port: 8003
`;

test("a small platform: a schemaless topic is any object, an unsubscribed topic has no dead-letter channel, Kafka in dev", async () => {
  const doc = await parseValid(generatedAsyncApi(renderedPlatform(SMALL)));
  assertDescribesManifest(doc, parseYaml(SMALL) as ManifestText);
  assert.equal(
    doc
      .channels()
      .all()
      .some((c) => c.address() === "orders.audited-dlq"),
    false,
  );
  assert.deepEqual(
    doc
      .servers()
      .all()
      .map((s) => [s.id(), s.protocol(), s.host()]),
    [
      ["local", "kafka", "localhost:9092"],
      ["compose", "kafka", "kafka:9092"],
      ["dev", "kafka", "kafka.default.svc.cluster.local:9092"],
      ["prod", "kafka-secure", "kafka-kafka-bootstrap.kafka.svc.cluster.local:9093"],
    ],
  );
  assert.equal(operationsOf(doc).filter((o) => o.appId === "idle-service").length, 0);
});

test("init --preset blank writes a valid asyncapi.yaml with no channels", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-asyncapi-"));
  const run = await runCli(["init", "empty", "--preset", "blank", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const file = join(cwd, "empty", "asyncapi.yaml");
  assert.ok(existsSync(file));
  const doc = await parseValid(readFileSync(file, "utf8"));
  assert.equal(doc.channels().length, 0);
  assert.equal(doc.operations().length, 0);
  assert.equal(doc.info().title(), "empty");
});
