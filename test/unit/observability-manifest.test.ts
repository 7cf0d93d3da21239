// The manifest's `observability` section: defaults, per-environment endpoints, and bad values
// refused with the field's position (exit 2) before anything is rendered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { FastdaprError } from "../../src/core/errors.js";
import { BUNDLED_COLLECTOR_ENDPOINT } from "../../src/platform/observability.js";

const base = `apiVersion: fastdapr/v1
name: shop
topics:
  orders.created: {}
services:
  orders-service:
    port: 8001
    publishes: [orders.created]
`;

function platformOf(text: string) {
  const loaded = parseManifest(text);
  return buildPlatform(loaded.manifest, loaded.positions);
}

function refused(text: string): FastdaprError {
  try {
    parseManifest(text);
  } catch (error) {
    assert.ok(error instanceof FastdaprError, String(error));
    assert.equal(error.exitCode, 2);
    return error;
  }
  assert.fail("the manifest was accepted");
}

test("without the section: every trace kept, compose and dev export to their own collector, local and prod nowhere", () => {
  const { observability } = platformOf(base);
  assert.equal(observability.samplingRate, 1);
  assert.deepEqual(observability.endpoints, {
    local: null,
    compose: BUNDLED_COLLECTOR_ENDPOINT,
    dev: BUNDLED_COLLECTOR_ENDPOINT,
    prod: null,
  });
  assert.deepEqual(observability.bundledCollector, { compose: true, dev: true });
});

test("endpoints per environment: a URL replaces the bundled collector, false turns an environment off", () => {
  const { observability } = platformOf(`${base}observability:
  samplingRate: 0.25
  endpoints:
    prod: https://otel.example.com:4318/
    dev: http://collector.observability.svc.cluster.local:4318
    compose: false
`);
  assert.equal(observability.samplingRate, 0.25);
  assert.deepEqual(observability.endpoints, {
    local: null,
    compose: null,
    dev: "http://collector.observability.svc.cluster.local:4318",
    prod: "https://otel.example.com:4318",
  });
  assert.deepEqual(observability.bundledCollector, { compose: false, dev: false });
});

test("a sampling rate outside 0–1 is refused at its line, saying the range", () => {
  const error = refused(`${base}observability:\n  samplingRate: 5\n`);
  assert.equal(error.location, "fastdapr.yaml:10:17");
  assert.match(error.message, /at most 1/);
});

for (const [value, why] of [
  ["otel-collector:4318", "no scheme"],
  ["http://otel-collector", "no port"],
  ["http://otel-collector:4318/v1/traces", "a path"],
  ["grpc://otel-collector:4317", "not http(s)"],
  ["http://otel-collector:99999", "port out of range"],
] as const) {
  test(`an endpoint with ${why} is refused, naming the field and the expected form: ${value}`, () => {
    const error = refused(`${base}observability:\n  endpoints:\n    prod: "${value}"\n`);
    assert.equal(error.location, "fastdapr.yaml:11:11");
    assert.match(error.message, value.endsWith("99999") ? /at most 65535/ : /OTLP\/HTTP base URL with a port and no path/);
  });
}

test("an unknown environment is refused (strict: a typo must not silently turn tracing off)", () => {
  const error = refused(`${base}observability:\n  endpoints:\n    production: http://c:4318\n`);
  assert.match(error.message, /production/);
});
