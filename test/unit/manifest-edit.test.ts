import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest } from "../../src/manifest/load.js";
import { addAgent, addInvoke, addPubsub, addService, addState, manifestText } from "../../src/manifest/edit.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { blankPreset } from "../../src/manifest/presets/blank.js";
import type { FastdaprError } from "../../src/core/errors.js";

const text = `# yaml-language-server: $schema=./schema.json
# The shop platform.
apiVersion: fastdapr/v1
name: shop
topics:
  orders.created: {} # placed by the web shop
services:
  # takes orders
  orders-service:
    port: 8001 # local port
    publishes: [ orders.created ]
  stock-service:
    port: 8002
    subscribes:
      - orders.created # reserves stock
`;

const docOf = (t: string) => parseManifest(t).doc;

test("the presets round-trip through the editor unchanged", () => {
  assert.equal(manifestText(docOf(blankPreset())), blankPreset());
  const learnflow = learnflowPreset();
  assert.equal(addState(docOf(learnflow), "triage-service", "session:{id}"), learnflow);
  assert.equal(addPubsub(docOf(learnflow), "progress-service", { subscribe: ["exercise.response"] }), learnflow);
});

test("addPubsub keeps comments and order, declares new topics, and is idempotent", () => {
  const doc = docOf(text);
  const once = addPubsub(doc, "stock-service", { subscribe: ["orders.created", "orders.cancelled"], publish: ["stock.reserved"] });
  assert.equal(
    once,
    `# yaml-language-server: $schema=./schema.json
# The shop platform.
apiVersion: fastdapr/v1
name: shop
topics:
  orders.created: {} # placed by the web shop
  orders.cancelled: {}
  stock.reserved: {}
services:
  # takes orders
  orders-service:
    port: 8001 # local port
    publishes: [ orders.created ]
  stock-service:
    port: 8002
    subscribes:
      - orders.created # reserves stock
      - orders.cancelled
    publishes: [ stock.reserved ]
`,
  );
  assert.equal(addPubsub(doc, "stock-service", { subscribe: ["orders.cancelled"], publish: ["stock.reserved"] }), once);
  assert.equal(addPubsub(docOf(once), "stock-service", { subscribe: ["orders.created"] }), once);
  // the result is a valid manifest
  assert.equal(buildPlatform(parseManifest(once).manifest).topics.length, 3);
});

test("addState, addInvoke and addAgent insert keys at their place and are idempotent", () => {
  const doc = docOf(text);
  addState(doc, "orders-service", "order:{order_id}");
  addInvoke(doc, "orders-service", "stock-service");
  const withAgent = addAgent(doc, "orders-service");
  assert.equal(
    withAgent.split("services:\n")[1],
    `  # takes orders
  orders-service:
    port: 8001 # local port
    publishes: [ orders.created ]
    state: [ "order:{order_id}" ]
    invokes: [ stock-service ]
    agent:
      backend: openai
      model: gpt-4o-mini
  stock-service:
    port: 8002
    subscribes:
      - orders.created # reserves stock
`,
  );
  assert.equal(addState(doc, "orders-service", "order:{order_id}"), withAgent);
  assert.equal(addInvoke(doc, "orders-service", "stock-service"), withAgent);
  assert.equal(addAgent(doc, "orders-service"), withAgent);
  const built = buildPlatform(parseManifest(withAgent).manifest).services[0]!;
  assert.deepEqual([built.stateKeys[0]!.pattern, built.invokes[0]!.appId, built.agent?.backend], ["order:{order_id}", "stock-service", "openai"]);
});

test("addAgent changes nothing for an agent-tier service", () => {
  const t = text.replace("    port: 8002\n", "    tier: agent\n    port: 8002\n");
  assert.equal(addAgent(docOf(t), "stock-service"), t);
});

test("addService appends a service with the next free port, declares its topics, and is idempotent", () => {
  const doc = docOf(text);
  const added = addService(doc, "mail-service", { tier: "lightweight", subscribes: ["stock.reserved"], state: ["mail:{id}"] });
  assert.ok(added.startsWith(text.split("services:\n")[0]!.replace("  orders.created: {} # placed by the web shop\n", "")), "the head is kept");
  assert.match(added, /  orders\.created: \{\} # placed by the web shop\n  stock\.reserved: \{\}\nservices:/);
  assert.ok(
    added.endsWith(`      - orders.created # reserves stock
  mail-service:
    tier: lightweight
    port: 8003
    subscribes: [ stock.reserved ]
    state: [ "mail:{id}" ]
`),
    added,
  );
  assert.equal(addService(doc, "mail-service", { tier: "lightweight", subscribes: ["stock.reserved"] }), added);
  assert.throws(
    () => addService(doc, "mail-service", { port: 9000 }),
    (e: FastdaprError) => e.code === "E_SERVICE_EXISTS",
  );
  const platform = buildPlatform(parseManifest(added).manifest);
  assert.deepEqual(
    platform.services.map((s) => s.port),
    [8001, 8002, 8003],
  );
});

test("addService into the blank preset creates the first service at 8001 in block style", () => {
  const doc = docOf(blankPreset({ name: "demo" }));
  const out = addService(doc, "api-service", { publishes: ["orders.created"] });
  assert.match(out, /\ntopics:\n  orders\.created: \{\}\nservices:\n  api-service:\n    tier: standard\n    port: 8001\n    publishes: \[ orders\.created \]\n$/);
  assert.equal(buildPlatform(parseManifest(out).manifest).warnings[0]?.code, "W_NO_SUBSCRIBER");
});

test("addService --public writes public: true after the port, on a new or an existing service, and never turns it off", () => {
  const doc = docOf(text);
  const added = addService(doc, "web-service", { public: true });
  assert.ok(added.endsWith("  web-service:\n    tier: standard\n    port: 8003\n    public: true\n"), added);
  const marked = addService(doc, "orders-service", { public: true });
  assert.match(marked, /  orders-service:\n    port: 8001 # local port\n    public: true\n    publishes: \[ orders\.created \]\n/);
  assert.equal(addService(doc, "orders-service", { public: true }), marked, "idempotent");
  assert.equal(addService(doc, "orders-service", {}), marked, "without --public the flag stays");
  const platform = buildPlatform(parseManifest(marked).manifest);
  assert.deepEqual(
    platform.services.map((s) => [s.name, s.public]),
    [
      ["orders-service", true],
      ["stock-service", false],
      ["web-service", true],
    ],
  );
});

test("edits reject an unknown service (listing the services), bad names and taken ports", () => {
  const doc = docOf(text);
  const before = addState(doc, "orders-service", "order:{id}");
  assert.throws(
    () => addPubsub(doc, "payment-service", { publish: ["payments.done"] }),
    (e: FastdaprError) => e.code === "E_UNKNOWN_SERVICE" && e.hint === "services: orders-service, stock-service" && e.exitCode === 2,
  );
  assert.throws(
    () => addPubsub(doc, "orders-service", { publish: ["Payments"] }),
    (e: FastdaprError) => e.code === "E_TOPIC",
  );
  assert.throws(
    () => addState(doc, "orders-service", "a||b"),
    (e: FastdaprError) => e.code === "E_STATE_KEY",
  );
  assert.throws(
    () => addInvoke(doc, "orders-service", "ghost-service"),
    (e: FastdaprError) => e.code === "E_INVOKE_TARGET",
  );
  assert.throws(
    () => addService(doc, "1-service"),
    (e: FastdaprError) => e.code === "E_SERVICE_NAME",
  );
  assert.throws(
    () => addService(doc, "x-service", { port: 8002 }),
    (e: FastdaprError) => e.code === "E_DUPLICATE_PORT",
  );
  assert.equal(addState(doc, "orders-service", "order:{id}"), before, "failed edits left the document alone");
});
