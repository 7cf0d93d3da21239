// Every structured file of every sample service validates: Kubernetes objects (schema, unknown
// fields, restricted pod security, Dapr annotations, cross-object rules), Dapr resources against the
// strict CRD schemas, compose against the Compose Specification, the Dockerfile against our rules;
// and `kubectl kustomize k8s/` renders to objects that pass the same checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { validateDockerfile, validateFile, validateKubernetesSet, type Problem } from "../support/validators/index.js";
import { writeTreeTo } from "../support/write-tree.js";
import { SAMPLE_SERVICES } from "../support/samples.js";

const show = (problems: Problem[]) => problems.map((p) => `${p.file}: [${p.rule}] ${p.message}`).join("\n");

for (const options of SAMPLE_SERVICES) {
  test(`${options.name}: every structured file validates`, () => {
    const svc = buildServiceModel(options);
    const tree = renderServiceTree(svc);
    const files = tree.list().map((f) => ({ file: f.path, text: f.content }));
    const structured = files.filter((f) => /\.ya?ml$/.test(f.file) || f.file === "Dockerfile");
    assert.ok(structured.length >= 14, `only ${structured.length} structured files`);
    const problems = [
      ...validateKubernetesSet(files.filter((f) => f.file.startsWith("k8s/"))),
      ...files.filter((f) => !f.file.startsWith("k8s/") && f.file !== "Dockerfile").flatMap((f) => validateFile(f.file, f.text)),
      ...validateDockerfile("Dockerfile", tree.get("Dockerfile")!.content, { appPort: svc.port }),
    ];
    assert.deepEqual(problems, [], show(problems));
  });

  test(`${options.name}: kubectl kustomize renders k8s/ into valid objects`, () => {
    const dir = mkdtempSync(join(tmpdir(), "fastdapr-kustomize-"));
    writeTreeTo(renderServiceTree(buildServiceModel(options)), dir);
    const rendered = execFileSync("kubectl", ["kustomize", join(dir, "k8s")], { encoding: "utf8" });
    const problems = validateKubernetesSet([{ file: "kustomize-output.yaml", text: rendered }]);
    assert.deepEqual(problems, [], show(problems));
    const kinds = rendered
      .split(/^---$/m)
      .map((doc) => (parse(doc) as { kind?: string } | null)?.kind)
      .filter(Boolean)
      .sort();
    // pub/sub and state, plus the conversation component of a dapr-conversation agent
    const components = options.agentBackend === "dapr-conversation" ? 3 : 2;
    assert.deepEqual(kinds, [
      ...Array<string>(components).fill("Component"),
      "ConfigMap",
      "Configuration",
      "Deployment",
      "HorizontalPodAutoscaler",
      // its own (deny-by-default) and egress to the pub/sub and state stores
      ...Array<string>(3).fill("NetworkPolicy"),
      "PodDisruptionBudget",
      "Resiliency",
      "Service",
      "ServiceAccount",
    ]);
  });
}

test("the validators are not vacuous: a broken Deployment is caught", () => {
  const tree = renderServiceTree(buildServiceModel({ name: "x" }));
  const deployment = tree
    .get("k8s/deployment.yaml")!
    .content.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
    .replace('dapr.io/app-port: "8000"', 'dapr.io/app-port: "9000"');
  const rules = validateFile("k8s/deployment.yaml", deployment).map((p) => p.rule);
  assert.ok(rules.includes("container-read-only-root-fs"), rules.join(","));
  assert.ok(rules.includes("dapr-app-port"), rules.join(","));
});
