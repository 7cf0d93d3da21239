import { test } from "node:test";
import assert from "node:assert/strict";
import { buildServiceModel, stateKey } from "../../src/model/build-service.js";
import { checkPort, checkServiceName, checkStateKey, checkTopic } from "../../src/model/rules.js";
import { FastdaprError } from "../../src/core/errors.js";
import { snakeCase, pascalCase } from "../../src/model/names.js";

test("defaults follow the seed note", () => {
  const svc = buildServiceModel({ name: "triage-service" });
  assert.equal(svc.appId, "triage-service");
  assert.equal(svc.port, 8000);
  assert.equal(svc.tier, "standard");
  assert.equal(svc.pubsubName, "pubsub");
  assert.equal(svc.stateStore, "state-store");
  assert.equal(svc.daprConfig, "appconfig");
  assert.equal(svc.agent, null);
  assert.deepEqual(svc.resources, { cpuRequest: "200m", cpuLimit: "1", memoryRequest: "256Mi", memoryLimit: "512Mi" });
  assert.deepEqual(svc.sidecarResources, { cpuRequest: "50m", cpuLimit: "200m", memoryRequest: "64Mi", memoryLimit: "128Mi" });
});

test("the agent tier turns the agent on, --no-agent turns it off, --agent adds it to any tier", () => {
  assert.notEqual(buildServiceModel({ name: "a", tier: "agent" }).agent, null);
  assert.equal(buildServiceModel({ name: "a", tier: "agent", agent: false }).agent, null);
  assert.notEqual(buildServiceModel({ name: "a", tier: "lightweight", agent: true }).agent, null);
  assert.deepEqual(buildServiceModel({ name: "a", tier: "agent" }).resources.memoryLimit, "1Gi");
});

test("topics become routes, modules, payload classes and dead-letter topics", () => {
  const svc = buildServiceModel({ name: "concepts-service", subscribes: ["learning.concept-request"] });
  const [t] = svc.subscribes;
  assert.equal(t!.route, "/events/learning.concept-request");
  assert.equal(t!.module, "learning_concept_request");
  assert.equal(t!.payload.className, "LearningConceptRequest");
  assert.equal(t!.deadLetterTopic, "learning.concept-request-dlq");
  assert.equal(checkTopic(t!.deadLetterTopic), undefined, "the dead-letter topic is itself a valid topic");
});

test("state-key patterns become typed key builders with distinct names", () => {
  assert.deepEqual(stateKey("attempts:{user_id}:{exercise_id}"), {
    pattern: "attempts:{user_id}:{exercise_id}",
    functionName: "attempts_key",
    params: ["user_id", "exercise_id"],
  });
  const svc = buildServiceModel({ name: "x", stateKeys: ["attempts:{user_id}", "attempts:{user_id}:{exercise_id}"] });
  const names = svc.stateKeys.map((k) => k.functionName);
  assert.equal(new Set(names).size, 2, `names must differ: ${names.join(", ")}`);
});

test("names: DNS-1123 labels that leave room for <app-id>-dapr", () => {
  assert.equal(checkServiceName("code-review-service"), undefined);
  // it also names a Kubernetes Service, an RFC 1035 label: no leading digit
  for (const bad of ["Triage", "triage_service", "-triage", "triage-", "", "a.b", "1triage"]) {
    assert.match(checkServiceName(bad) ?? "", /DNS-1123/, bad);
  }
  assert.equal(checkServiceName("a".repeat(58)), undefined);
  assert.match(checkServiceName("a".repeat(59)) ?? "", /at most 58/);
});

test("topics: domain.action, lowercase, hyphens inside parts", () => {
  for (const ok of ["learning.query", "code.review-request", "struggle.alert", "a1.b2"]) assert.equal(checkTopic(ok), undefined, ok);
  for (const bad of ["learning", "Learning.query", "a.b.c", "a..b", "a.-b", "a.b-", "a b.c", ".a"]) {
    assert.ok(checkTopic(bad), bad);
  }
});

test("state keys: no ||, placeholders are snake_case identifiers", () => {
  assert.equal(checkStateKey("progress:{user_id}"), undefined);
  assert.match(checkStateKey("a||b") ?? "", /\|\|/);
  assert.ok(checkStateKey("bad key"));
  assert.ok(checkStateKey("x:{UserId}"));
});

test("ports: 1024-65535 and not a sidecar port", () => {
  assert.equal(checkPort(8000), undefined);
  for (const bad of [0, 80, 1023, 65536, 3500, 50001, 50002, 9090, 3501, 8000.5]) assert.ok(checkPort(bad), String(bad));
});

test("errors are keyed by the option (each caller names it its way) and say what is accepted", () => {
  assert.throws(
    () => buildServiceModel({ name: "ok", subscribes: ["learning.query", "bad_topic"] }),
    (error: unknown) =>
      error instanceof FastdaprError && error.code === "E_TOPIC" && error.param?.key === "subscribes" && error.location === undefined && /domain\.action/.test(error.message),
  );
  assert.throws(() => buildServiceModel({ name: "ok", tier: "huge" }), /lightweight, standard, agent/);
  assert.throws(() => buildServiceModel({ name: "ok", subscribes: ["a.b", "a.b"] }), /twice/);
  assert.throws(
    () => buildServiceModel({ name: "ok", invokes: ["Not_Valid"] }),
    (e: unknown) => (e as FastdaprError).param?.key === "invokes",
  );
  assert.throws(
    () => buildServiceModel({ name: "ok", pubsubName: "Bad Name" }),
    (e: unknown) => (e as FastdaprError).param?.key === "pubsubName",
  );
});

test("name conversions", () => {
  assert.equal(snakeCase("learning.concept-request"), "learning_concept_request");
  assert.equal(pascalCase("code.review-feedback"), "CodeReviewFeedback");
});
