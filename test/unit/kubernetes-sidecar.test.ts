// What the injected sidecar needs from the generated pod template to start on a real cluster
// (found by test/e2e/cluster-platform.test.ts, where daprd exited at start without it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { renderedPlatform } from "../support/platforms.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";

type Obj = any;

test("pods without a service-account token disable daprd's built-in Kubernetes secret store", () => {
  const trees = [renderedPlatform(learnflowPreset()), renderServiceTree(buildServiceModel({ name: "solo-service", subscribes: ["a.b"] }))];
  const deployments = trees
    .flatMap((t) => t.list())
    .filter((f) => /(^|\/)deployment\.yaml$/.test(f.path))
    .map((f) => parse(f.content) as Obj)
    // the dev overlay's OpenTelemetry Collector is no Dapr app: no sidecar, nothing to disable
    .filter((d) => d.spec.template.metadata.annotations?.["dapr.io/enabled"] === "true");
  assert.equal(deployments.length, 7, "six LearnFlow services and a lone one");
  for (const d of deployments) {
    const pod = d.spec.template;
    assert.equal(pod.spec.automountServiceAccountToken, false, d.metadata.name);
    // daprd would otherwise look for in-cluster credentials there are none of, and exit
    assert.equal(pod.metadata.annotations["dapr.io/disable-builtin-k8s-secret-store"], "true", d.metadata.name);
  }
});
