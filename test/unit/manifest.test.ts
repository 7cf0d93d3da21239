import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { parseManifest, loadManifest } from "../../src/manifest/load.js";
import { payloadModel, payloadImports } from "../../src/manifest/payload.js";
import { manifestJsonSchema, manifestJsonSchemaText, SCHEMA_FILE } from "../../src/manifest/schema.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { blankPreset } from "../../src/manifest/presets/blank.js";
import { FastdaprError } from "../../src/core/errors.js";
import { PYTHON_VERSION } from "../../src/versions.js";

/** Asserts that parsing `text` fails with this code, at this line:col, mentioning `field`. */
function assertManifestError(text: string, expected: { code: string | RegExp; at: string; message: RegExp }): FastdaprError {
  let caught: unknown;
  try {
    parseManifest(text);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof FastdaprError, `expected a FastdaprError, got ${String(caught)}`);
  assert.match(caught.code, typeof expected.code === "string" ? new RegExp(`^${expected.code}$`) : expected.code);
  assert.equal(caught.location, `fastdapr.yaml:${expected.at}`, caught.message);
  assert.match(caught.message, expected.message);
  assert.equal(caught.exitCode, 2);
  return caught;
}

const base = `apiVersion: fastdapr/v1
name: shop
topics:
  orders.created:
    description: An order was placed.
services:
  orders-service:
    tier: standard
    port: 8001
    publishes: [ orders.created ]
`;

test("the committed JSON Schema is generated from the zod schema (run scripts/write-schema.ts)", () => {
  assert.equal(readFileSync(SCHEMA_FILE, "utf8"), manifestJsonSchemaText());
});

test("the JSON Schema accepts the presets and rejects an unknown field, like the loader", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(manifestJsonSchema());
  for (const text of [learnflowPreset(), blankPreset(), base]) {
    assert.equal(validate(parseYaml(text)), true, JSON.stringify(validate.errors));
  }
  assert.equal(validate(parseYaml(base.replace("    tier: standard", "    tire: standard"))), false);
  assert.equal(validate(parseYaml(base.replace("orders.created:\n", "Orders.Created:\n"))), false);
});

test("a valid manifest gets every default filled in", () => {
  const { manifest } = parseManifest(base);
  assert.equal(manifest.defaults.pubsub.name, "pubsub");
  assert.equal(manifest.defaults.stateStore.prod, "postgresql");
  assert.equal(manifest.defaults.python, PYTHON_VERSION);
  assert.deepEqual(manifest.services["orders-service"]!.subscribes, []);
  assert.deepEqual(manifest.services["orders-service"]!.publishes, ["orders.created"]);
});

test("YAML syntax error: line and column of the problem", () => {
  assertManifestError(base.replace("publishes: [ orders.created ]", "publishes: [ orders.created"), {
    code: "E_MANIFEST_SYNTAX",
    at: "11:1",
    message: /YAML syntax error/,
  });
});

test("duplicate keys are errors at the second key", () => {
  assertManifestError(base.replace("    port: 8001\n", "    port: 8001\n    port: 8002\n"), {
    code: "E_MANIFEST_DUPLICATE_KEY",
    at: "10:5",
    message: /duplicate key "port" in services\.orders-service/,
  });
});

test("unknown field: at its key, with the allowed fields and a suggestion", () => {
  const error = assertManifestError(base.replace("    tier: standard", "    tire: standard"), {
    code: "E_MANIFEST_UNKNOWN_FIELD",
    at: "8:5",
    message: /services\.orders-service\.tire: unknown field "tire"; expected one of: description, tier, port/,
  });
  assert.equal(error.hint, 'did you mean "tier"?');
});

test("wrong type: at the value, naming the field and what was expected", () => {
  assertManifestError(base.replace("port: 8001", "port: eighty"), {
    code: "E_MANIFEST_TYPE",
    at: "9:11",
    message: /services\.orders-service\.port: expected a number, got the string "eighty"/,
  });
  const error = assertManifestError(base.replace("name: shop", "name: shop\ndefaults:\n  imageTag: 1.0"), {
    code: "E_MANIFEST_TYPE",
    at: "4:13",
    message: /defaults\.imageTag: expected a string, got the number 1/,
  });
  assert.match(error.hint ?? "", /quote it/);
});

test("wrong enum value and missing required field", () => {
  assertManifestError(base.replace("tier: standard", "tier: huge"), {
    code: "E_MANIFEST_VALUE",
    at: "8:11",
    message: /services\.orders-service\.tier: expected "lightweight" or "standard" or "agent", got the string "huge"/,
  });
  assertManifestError(base.replace("    port: 8001\n", ""), {
    code: "E_MANIFEST_MISSING",
    at: "8:5",
    message: /services\.orders-service: missing required field "port"/,
  });
});

test("bad topic name: at its key under topics, and at the list entry in a service", () => {
  assertManifestError(base.replace("  orders.created:\n", "  orders_created:\n"), {
    code: "E_MANIFEST_KEY",
    at: "4:3",
    message: /topics\.orders_created: invalid name "orders_created": a topic is domain\.action/,
  });
  assertManifestError(base.replace("publishes: [ orders.created ]", "publishes: [ orders.created, Orders ]"), {
    code: "E_MANIFEST_VALUE",
    at: "10:34",
    message: /services\.orders-service\.publishes\[1\]: a topic is domain\.action/,
  });
});

test("bad service name: at its key", () => {
  assertManifestError(base.replace("  orders-service:", "  Orders_Service:"), {
    code: "E_MANIFEST_KEY",
    at: "7:3",
    message: /services\.Orders_Service: invalid name "Orders_Service": a service name is a DNS label/,
  });
});

test("several problems: the first in the file is reported, with a count of the rest", () => {
  assertManifestError(base.replace("name: shop", "name: Shop").replace("port: 8001", "port: 80"), {
    code: "E_MANIFEST_VALUE",
    at: "2:7",
    message: /^name: .*\(and 1 more problem\)$/,
  });
});

test("a misspelt required field is reported as the unknown field, not as the missing one", () => {
  assertManifestError(base.replace("port: 8001", "prot: 8001"), {
    code: "E_MANIFEST_UNKNOWN_FIELD",
    at: "9:5",
    message: /unknown field "prot".*\(and 1 more problem\)$/,
  });
});

test("empty manifest and missing file", () => {
  assertManifestError("# nothing\n", { code: "E_MANIFEST_EMPTY", at: "1:1", message: /empty/ });
  assert.throws(
    () => loadManifest("/nonexistent/fastdapr.yaml"),
    (e: FastdaprError) => e.code === "E_MANIFEST_NOT_FOUND" && e.exitCode === 2,
  );
});

test("payload: required, optional, enum, array, date-time, nullable, default and alias", () => {
  const model = payloadModel("orders.created", "An order.", {
    type: "object",
    required: ["order_id", "status"],
    properties: {
      order_id: { type: "string", description: "The order." },
      status: { type: "string", enum: ["new", "paid"] },
      items: { type: "array", items: { type: "integer" } },
      placedAt: { type: "string", format: "date-time" },
      note: { type: ["string", "null"] },
      class: { type: "string", default: "retail" },
      "2fa": { type: "boolean", default: false },
      meta: { type: "object", additionalProperties: { type: "number" } },
    },
  });
  assert.equal(model.className, "OrdersCreated");
  assert.equal(model.open, false);
  const f = Object.fromEntries(model.fields.map((x) => [x.name, x]));
  assert.deepEqual(Object.keys(f), ["order_id", "status", "items", "placed_at", "note", "class_", "field_2fa", "meta"]);
  assert.deepEqual(f.order_id, { name: "order_id", alias: null, pyType: "str", required: true, description: "The order.", defaultRepr: null, example: '"example"' });
  assert.equal(f.status!.pyType, 'Literal["new", "paid"]');
  assert.equal(f.status!.required, true);
  assert.equal(f.items!.pyType, "list[int] | None");
  assert.equal(f.items!.defaultRepr, "None");
  assert.deepEqual([f.placed_at!.pyType, f.placed_at!.alias], ["datetime | None", "placedAt"]);
  assert.equal(f.note!.pyType, "str | None");
  assert.deepEqual([f.class_!.pyType, f.class_!.alias, f.class_!.defaultRepr], ["str", "class", '"retail"']);
  assert.deepEqual([f.field_2fa!.pyType, f.field_2fa!.alias, f.field_2fa!.defaultRepr], ["bool", "2fa", "False"]);
  assert.equal(f.meta!.pyType, "dict[str, float] | None");
  assert.deepEqual(payloadImports([model]), ["from datetime import datetime", "from typing import Literal"]);
});

test("payload: no schema gives an open model; unsupported constructs are errors at their node", () => {
  assert.deepEqual(payloadModel("a.b", "d", undefined), { className: "AB", description: "d", fields: [], open: true });
  const text = `${base.replace(
    "    description: An order was placed.\n",
    `    schema:
      type: object
      required: [ order_id, total ]
      properties:
        order_id: { type: string }
`,
  )}`;
  assertManifestError(text.replace("      type: object\n", "      type: object\n      oneOf: []\n"), {
    code: "E_MANIFEST_UNKNOWN_FIELD",
    at: "7:7",
    message: /topics\["orders.created"\]\.schema\.oneOf: unknown field "oneOf"/,
  });
  const { manifest, positions } = parseManifest(text);
  assert.throws(
    () => payloadModel("orders.created", "", manifest.topics["orders.created"]!.schema, (p, o) => positions.at(["topics", "orders.created", "schema", ...p], o)),
    (e: FastdaprError) => e.code === "E_MANIFEST_SCHEMA" && e.location === "fastdapr.yaml:7:29" && /"total" is required but not listed/.test(e.message),
  );
  assert.throws(() => payloadModel("a.b", "", { type: "string" }), /an event payload is a JSON object/);
  assert.throws(() => payloadModel("a.b", "", { type: "object", properties: { n: { type: "integer", default: "x" } } }), /does not match/);
});

test("the LearnFlow preset has the seed's services, app ids, tiers and state keys", () => {
  const { manifest } = parseManifest(learnflowPreset());
  const services = manifest.services;
  assert.deepEqual(Object.keys(services), ["triage-service", "concepts-service", "code-review-service", "debug-service", "exercise-service", "progress-service"]);
  assert.deepEqual(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, [s.tier, s.port, s.state]])), {
    "triage-service": ["lightweight", 8001, ["session:{id}"]],
    "concepts-service": ["standard", 8002, ["cache:concept:{name}", "mastery:{user_id}"]],
    "code-review-service": ["agent", 8003, ["review:{id}", "patterns:{user_id}"]],
    "debug-service": ["agent", 8004, ["error:{hash}", "attempts:{user_id}"]],
    "exercise-service": ["agent", 8005, ["exercise:{id}", "attempts:{user_id}:{exercise_id}"]],
    "progress-service": ["standard", 8006, ["progress:{user_id}", "streak:{user_id}"]],
  });
  assert.deepEqual(Object.keys(manifest.topics).sort(), [
    "code.error-hint",
    "code.error-request",
    "code.review-feedback",
    "code.review-request",
    "exercise.request",
    "exercise.response",
    "learning.concept-request",
    "learning.concept-response",
    "learning.query",
    "learning.routed",
    "struggle.alert",
  ]);
  for (const [name, topic] of Object.entries(manifest.topics)) assert.ok(topic.schema, `${name} has a schema`);
});
