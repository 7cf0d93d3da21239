// A public service's API accepts bearer tokens from an optional Secret; every other service's
// manifests stay as they were (the Dapr tokens only). The app side is tested by the generated
// service's own pytest (tests/test_security.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { renderedPlatform } from "../support/platforms.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const appEnv = (deploymentYaml: string): Obj[] => parse(deploymentYaml).spec.template.spec.containers[0].env;
const publicTokens = { name: "PUBLIC_API_TOKENS", valueFrom: { secretKeyRef: { name: "shop-api-public-api", key: "tokens", optional: true } } };

test("a public lone service reads its bearer tokens from the optional Secret <service>-public-api", () => {
  const pub = renderServiceTree(buildServiceModel({ name: "shop-api", public: true }));
  const env = appEnv(pub.get("k8s/deployment.yaml")!.content);
  assert.deepEqual(
    env.find((e) => e.name === "PUBLIC_API_TOKENS"),
    publicTokens,
  );
  // the Dapr tokens stay required
  assert.deepEqual(
    env.filter((e) => e.valueFrom.secretKeyRef.optional === false).map((e) => e.name),
    ["DAPR_API_TOKEN", "APP_API_TOKEN"],
  );
  assert.match(pub.get(".env.example")!.content, /^PUBLIC_API_TOKENS=$/m);
  assert.match(pub.get("app/core/config.py")!.content, /public_api_tokens: SecretStr \| None = None/);
  assert.match(pub.get("README.md")!.content, /kubectl create secret generic shop-api-public-api --from-literal=tokens=/);

  const internal = renderServiceTree(buildServiceModel({ name: "shop-api" }));
  assert.deepEqual(
    appEnv(internal.get("k8s/deployment.yaml")!.content).map((e) => e.name),
    ["DAPR_API_TOKEN", "APP_API_TOKEN"],
  );
  for (const file of [".env.example", "app/core/config.py", "app/main.py", "README.md"]) {
    assert.doesNotMatch(internal.get(file)!.content, /PUBLIC_API_TOKENS|public_api_tokens|bearer_tokens|public-api/, file);
  }
});

test("LearnFlow: only triage-service, the public entry, takes bearer tokens; the README lists its Secret", () => {
  const tree = renderedPlatform(learnflowPreset());
  for (const name of ["triage-service", "concepts-service", "code-review-service", "debug-service", "exercise-service", "progress-service"]) {
    const env = appEnv(tree.get(`deploy/base/${name}/deployment.yaml`)!.content);
    const tokens = env.filter((e) => e.name === "PUBLIC_API_TOKENS").map((e) => e.valueFrom.secretKeyRef);
    assert.deepEqual(tokens, name === "triage-service" ? [{ name: "triage-service-public-api", key: "tokens", optional: true }] : [], name);
  }
  assert.match(tree.get("README.md")!.content, /`<service>-public-api` \(key `tokens`, comma-separated\) for each public service \(triage-service\)/);
});
