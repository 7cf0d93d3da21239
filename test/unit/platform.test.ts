import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform, PlatformError } from "../../src/platform/build-platform.js";
import { mermaidGraph, platformGraph } from "../../src/platform/graph.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import type { FastdaprError } from "../../src/core/errors.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { platformTree } from "../../src/commands/platform.js";
import type { Output } from "../../src/cli/output.js";

function platformOf(text: string) {
  const { manifest, positions } = parseManifest(text);
  return buildPlatform(manifest, positions);
}

function platformError(text: string): PlatformError {
  try {
    platformOf(text);
  } catch (error) {
    assert.ok(error instanceof PlatformError, `expected a PlatformError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the platform to be rejected");
}

const small = `apiVersion: fastdapr/v1
name: shop
topics:
  orders.created:
    description: An order was placed.
    schema:
      type: object
      required: [ order_id ]
      properties:
        order_id: { type: string }
  orders.shipped: {}
services:
  orders-service:
    port: 8001
    publishes: [ orders.created ]
    invokes: [ stock-service ]
  stock-service:
    tier: lightweight
    port: 8002
    subscribes: [ orders.created ]
    publishes: [ orders.shipped ]
    state: [ "stock:{sku}" ]
  mail-service:
    tier: agent
    port: 8003
    subscribes: [ orders.shipped ]
`;

test("LearnFlow builds with six services, no warnings, payloads on every topic", () => {
  const platform = platformOf(learnflowPreset());
  assert.deepEqual(platform.warnings, []);
  assert.equal(platform.name, "learnflow");
  assert.equal(platform.namespace, "learnflow");
  assert.deepEqual(
    platform.services.map((s) => [s.appId, s.tier, s.port, s.agent !== null]),
    [
      ["triage-service", "lightweight", 8001, false],
      ["concepts-service", "standard", 8002, false],
      ["code-review-service", "agent", 8003, true],
      ["debug-service", "agent", 8004, true],
      ["exercise-service", "agent", 8005, true],
      ["progress-service", "standard", 8006, false],
    ],
  );
  const triage = platform.services[0]!;
  assert.equal(triage.resources.memoryLimit, "256Mi");
  assert.equal(triage.image, "ghcr.io/example/learnflow/triage-service:0.1.0");
  assert.deepEqual(triage.invokes, [{ appId: "progress-service", constant: "PROGRESS_SERVICE" }]);
  const progress = platform.services[5]!;
  assert.ok(progress.subscribes.some((t) => t.name === "exercise.response"));
  assert.ok(progress.subscribes.some((t) => t.name === "code.review-feedback"));
  assert.deepEqual(
    progress.publishes.map((t) => t.name),
    ["struggle.alert"],
  );
  const response = progress.subscribes.find((t) => t.name === "exercise.response")!.payload;
  assert.equal(response.open, false);
  const fields = Object.fromEntries(response.fields.map((f) => [f.name, f]));
  assert.deepEqual([fields.correct!.pyType, fields.correct!.required], ["bool", true]);
  assert.deepEqual([fields.score!.pyType, fields.exercise_id!.pyType], ["float", "str"]);
  for (const topic of platform.topics) {
    assert.equal(topic.payload.open, false, topic.name);
    assert.ok(topic.publishers.length > 0 && topic.subscribers.length > 0, topic.name);
  }
  assert.deepEqual(platform.services[2]!.agent?.backend, "openai");
  assert.match(platform.services[2]!.agent?.systemPrompt ?? "", /review Python code/);
});

test("a small platform: topics, publishers and subscribers, defaults", () => {
  const platform = platformOf(small);
  assert.deepEqual(platform.warnings, []);
  assert.deepEqual(
    platform.topics.map((t) => [t.name, t.publishers, t.subscribers, t.payload.open]),
    [
      ["orders.created", ["orders-service"], ["stock-service"], false],
      ["orders.shipped", ["stock-service"], ["mail-service"], true],
    ],
  );
  const stock = platform.services[1]!;
  assert.equal(stock.subscribes[0]!.payload.fields[0]!.name, "order_id");
  assert.equal(stock.pubsubName, "pubsub");
  assert.equal(stock.namespace, "shop");
  assert.equal(platform.services[0]!.tier, "standard");
});

test("duplicate port: an error at the second occurrence, exit code 1", () => {
  const error = platformError(small.replace("port: 8002", "port: 8001"));
  assert.equal(error.code, "E_DUPLICATE_PORT");
  assert.equal(error.location, "fastdapr.yaml:19:11");
  assert.match(error.message, /services\.stock-service\.port: port 8001 is already used by orders-service/);
  assert.equal(error.exitCode, 1);
});

test("undeclared topic and unknown invoke target: errors at the list entry, all of them listed", () => {
  const error = platformError(small.replace("subscribes: [ orders.shipped ]", "subscribes: [ orders.lost ]").replace("invokes: [ stock-service ]", "invokes: [ billing-service ]"));
  assert.deepEqual(
    error.problems.map((p) => [p.code, p.location]),
    [
      ["E_UNDECLARED_TOPIC", "fastdapr.yaml:26:19"],
      ["E_INVOKE_TARGET", "fastdapr.yaml:16:16"],
    ],
  );
  assert.match(error.problems[0]!.message, /services\.mail-service\.subscribes\[0\]: topic "orders\.lost" is not declared under topics/);
  assert.match(error.problems[1]!.message, /"billing-service" is not a service of this platform/);
  assert.equal(error.problems[1]!.hint, "invoke one of: orders-service, stock-service, mail-service");
  assert.match(error.message, /\(and 1 more problem\)$/);
});

test("warnings: a published topic nobody subscribes to, a subscription nobody publishes, an unused topic", () => {
  const text = small
    .replace("    subscribes: [ orders.shipped ]\n", "    subscribes: [ orders.returned ]\n")
    .replace("  orders.shipped: {}\n", "  orders.shipped: {}\n  orders.returned: {}\n  orders.cancelled: {}\n");
  const platform = platformOf(text);
  assert.deepEqual(
    platform.warnings.map((w) => [w.code, w.location]),
    [
      ["W_NO_SUBSCRIBER", "fastdapr.yaml:23:18"],
      ["W_NO_PUBLISHER", "fastdapr.yaml:28:19"],
      ["W_UNUSED_TOPIC", "fastdapr.yaml:13:3"],
    ],
  );
  assert.match(platform.warnings[0]!.message, /no service subscribes to "orders\.shipped"/);
});

test("one service's own rules (buildServiceModel) point at the manifest node", () => {
  assert.throws(
    () => platformOf(small.replace("port: 8003", "port: 3500")),
    (e: FastdaprError) => !(e instanceof PlatformError) && e.code === "E_PORT" && e.location === "fastdapr.yaml:25:11" && e.exitCode === 2,
  );
  assert.throws(
    () => platformOf(small.replace('state: [ "stock:{sku}" ]', 'state: [ "stock:{sku}", "stock:{sku}" ]')),
    (e: FastdaprError) => e.code === "E_STATE_KEY" && e.location === "fastdapr.yaml:22:29",
  );
});

test("graph: compact JSON and the exact Mermaid flowchart", () => {
  const platform = platformOf(small);
  assert.deepEqual(platformGraph(platform), {
    services: [
      { name: "orders-service", tier: "standard", port: 8001, agent: false, public: false },
      { name: "stock-service", tier: "lightweight", port: 8002, agent: false, public: false },
      { name: "mail-service", tier: "agent", port: 8003, agent: true, public: false },
    ],
    topics: [
      { name: "orders.created", publishers: ["orders-service"], subscribers: ["stock-service"] },
      { name: "orders.shipped", publishers: ["stock-service"], subscribers: ["mail-service"] },
    ],
    invocations: [{ from: "orders-service", to: "stock-service" }],
  });
  assert.equal(
    mermaidGraph(platform),
    `flowchart LR
  svc_orders_service["orders-service<br/>standard :8001"]
  svc_stock_service["stock-service<br/>lightweight :8002"]
  svc_mail_service["mail-service<br/>agent :8003 (agent)"]
  topic_orders_created(["orders.created"])
  topic_orders_shipped(["orders.shipped"])
  svc_orders_service --> topic_orders_created
  svc_stock_service --> topic_orders_shipped
  topic_orders_created --> svc_stock_service
  topic_orders_shipped --> svc_mail_service
  svc_orders_service -. invoke .-> svc_stock_service
`,
  );
});

test("graph: public services are marked, and only they are reached by the clients node", () => {
  const platform = platformOf(small.replace("  orders-service:\n", "  orders-service:\n    public: true\n"));
  assert.deepEqual(
    platformGraph(platform).services.map((s) => [s.name, s.public]),
    [
      ["orders-service", true],
      ["stock-service", false],
      ["mail-service", false],
    ],
  );
  const clientLines = mermaidGraph(platform)
    .split("\n")
    .filter((l) => l.includes("ext_clients"));
  assert.deepEqual(clientLines, ['  ext_clients(("clients"))', "  ext_clients -- HTTP --> svc_orders_service"]);
  assert.doesNotMatch(mermaidGraph(platformOf(small)), /clients/);
});

test("graph: names that collide after cleaning get distinct Mermaid ids", () => {
  const platform = platformOf(`apiVersion: fastdapr/v1
name: x
topics:
  a-b.c: {}
  a.b-c: {}
services:
  s:
    port: 8001
    publishes: [ a-b.c, a.b-c ]
    subscribes: [ a-b.c, a.b-c ]
`);
  const text = mermaidGraph(platform);
  assert.match(text, /topic_a_b_c\(\["a-b\.c"\]\)/);
  assert.match(text, /topic_a_b_c_2\(\["a\.b-c"\]\)/);
});

// --- CLI: check and graph ------------------------------------------------------------------------

function capture(json: boolean): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { json, out: (t) => stdout.push(t), err: (t) => stderr.push(t), stdout, stderr };
}

function manifestFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fastdapr-platform-"));
  const file = join(dir, "fastdapr.yaml");
  writeFileSync(file, text);
  return file;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const output = capture(argv.includes("--json"));
  const code = await main(argv, output);
  return { code, stdout: output.stdout, stderr: output.stderr };
}

test("fastdapr check --json: the LearnFlow preset is clean (exit 0, one line)", async () => {
  const r = await run(["check", "--manifest", manifestFile(learnflowPreset()), "--json"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length, 1);
  assert.deepEqual(JSON.parse(r.stdout[0]!), { ok: true, command: "check", services: 6, topics: 11 });
});

test("fastdapr check: warnings keep exit 0 and are printed", async () => {
  const file = manifestFile(small.replace("  orders.shipped: {}\n", "  orders.shipped: {}\n  orders.lost: {}\n"));
  const human = await run(["check", "--manifest", file]);
  assert.equal(human.code, 0);
  assert.deepEqual(human.stderr, [`warning: topics["orders.lost"]: no service publishes or subscribes to it (${file}:12:3)`]);
  assert.deepEqual(human.stdout, [`${file}: 3 services, 3 topics, 1 warning`]);
  const json = JSON.parse((await run(["check", "--manifest", file, "--json"])).stdout[0]!);
  assert.deepEqual(
    json.warnings.map((w: { code: string }) => w.code),
    ["W_UNUSED_TOPIC"],
  );
});

test("fastdapr check: exit 1 on a graph error, 2 on an invalid or missing manifest", async () => {
  const graphError = await run(["check", "--manifest", manifestFile(small.replace("port: 8002", "port: 8001")), "--json"]);
  assert.equal(graphError.code, 1);
  assert.equal(graphError.stdout.length, 1);
  const body = JSON.parse(graphError.stdout[0]!);
  assert.equal(body.ok, false);
  assert.equal(body.error.code, "E_DUPLICATE_PORT");
  assert.match(body.error.location, /fastdapr\.yaml:19:11$/);
  assert.equal(body.problems.length, 1);

  const invalid = await run(["check", "--manifest", manifestFile(small.replace("tier: lightweight", "tier: tiny")), "--json"]);
  assert.equal(invalid.code, 2);
  const err = JSON.parse(invalid.stdout[0]!);
  assert.equal(err.error.code, "E_MANIFEST_VALUE");
  assert.match(err.error.location, /fastdapr\.yaml:18:11$/);

  const missing = await run(["check", "--manifest", "/nonexistent/fastdapr.yaml", "--json"]);
  assert.equal(missing.code, 2);
  assert.equal(JSON.parse(missing.stdout[0]!).error.code, "E_MANIFEST_NOT_FOUND");
});

test("fastdapr graph: Mermaid by default, JSON with --format json, one line with --json", async () => {
  const file = manifestFile(small);
  const platform = platformOf(small);
  const mermaid = await run(["graph", "--manifest", file]);
  assert.equal(mermaid.code, 0);
  assert.deepEqual(mermaid.stdout, [mermaidGraph(platform)]);
  const json = await run(["graph", "--format", "json", "--manifest", file, "--json"]);
  assert.equal(json.code, 0);
  assert.equal(json.stdout.length, 1);
  assert.deepEqual(JSON.parse(json.stdout[0]!), { ok: true, command: "graph", format: "json", graph: platformGraph(platform) });
  const bad = await run(["graph", "--format", "dot", "--manifest", file, "--json"]);
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout[0]!).error.code, "E_USAGE");
  const broken = await run(["graph", "--manifest", manifestFile(small.replace("invokes: [ stock-service ]", "invokes: [ x-service ]"))]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr.join("\n"), /"x-service" is not a service of this platform/);
});

test("platform README: the services table is one block (a blank line would end the Markdown table)", () => {
  const readme = platformTree(platformOf(small), small).get("README.md")!.content;
  const lines = readme.split("\n");
  const header = lines.indexOf("| service | tier | port | subscribes | publishes | calls |");
  assert.ok(header > 0, readme);
  assert.deepEqual(
    lines.slice(header + 1, header + 5).map((l) => l.split(" | ")[0]),
    [
      "|---|---|---|---|---|---|",
      "| [orders-service](services/orders-service/README.md)",
      "| [stock-service](services/stock-service/README.md)",
      "| [mail-service](services/mail-service/README.md)",
    ],
  );
  assert.equal(lines[header + 5], "", "and a blank line after it");
});
