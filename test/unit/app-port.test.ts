// The app's port is a setting (PORT), and every place that names it agrees: the image, its
// HEALTHCHECK, the app's settings, compose, the Kubernetes Deployment and the multi-app run file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { renderedPlatform } from "../support/platforms.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const PORT = 8010;
const tree = renderServiceTree(buildServiceModel({ name: "solo-service", port: PORT }));
const text = (path: string) => {
  const file = tree.get(path);
  assert.ok(file, `${path} is rendered`);
  return file.content;
};

/** Dockerfile instructions of the final stage, continuation lines joined. */
function finalStage(dockerfile: string): string[] {
  const lines = dockerfile
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"));
  const from = lines.map((l, i) => (l.startsWith("FROM ") ? i : -1)).filter((i) => i >= 0);
  return lines.slice(from.at(-1));
}

test("the image runs `python -m app` in exec form, its port an environment variable the HEALTHCHECK reads", () => {
  const stage = finalStage(text("Dockerfile"));
  const instruction = (keyword: string) => stage.filter((l) => l.startsWith(`${keyword} `));
  assert.deepEqual(instruction("CMD"), ['CMD ["python", "-m", "app"]']);
  assert.deepEqual(
    instruction("ENV").filter((l) => l.includes("PORT=")),
    [`ENV HOST=0.0.0.0 PORT=${PORT}`],
  );
  assert.deepEqual(instruction("EXPOSE"), [`EXPOSE ${PORT}`]);
  const [healthcheck] = instruction("HEALTHCHECK");
  assert.ok(healthcheck);
  const command = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD ") + 4)) as string[];
  assert.equal(command[0], "python");
  assert.match(command[2]!, /os\.environ\['PORT'\]/);
  assert.doesNotMatch(command.join(" "), new RegExp(String(PORT)), "no port fixed in the HEALTHCHECK");
});

test("the settings' default port, the ConfigMap, the Deployment, its Dapr annotation and compose agree", () => {
  assert.match(text("app/core/config.py"), new RegExp(`port: int = Field\\(default=${PORT}, ge=1, le=65535\\)`));
  assert.match(text("app/__main__.py"), /port=settings\.port/);
  assert.match(text(".env.example"), new RegExp(`^PORT=${PORT}$`, "m"));
  assert.equal(parse(text("k8s/configmap.yaml")).data.PORT, String(PORT));
  const deployment = parse(text("k8s/deployment.yaml")) as Obj;
  const app = deployment.spec.template.spec.containers[0];
  assert.deepEqual(app.ports, [{ name: "http", containerPort: PORT, protocol: "TCP" }]);
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) assert.equal(app[probe].httpGet.port, "http");
  assert.equal(deployment.spec.template.metadata.annotations["dapr.io/app-port"], String(PORT));
  const compose = parse(text("docker-compose.yml")) as Obj;
  assert.equal(compose.services["solo-service"].environment.PORT, String(PORT));
  assert.deepEqual(compose.services["solo-service"].ports, [`127.0.0.1:${PORT}:${PORT}`]);
  const sidecar: string[] = compose.services["solo-service-dapr"].command;
  assert.equal(sidecar[sidecar.indexOf("--app-port") + 1], String(PORT));
});

test("the multi-app run file starts each app with `python -m app` on its app port", () => {
  const run = parse(renderedPlatform(learnflowPreset()).get("dapr.yaml")!.content) as Obj;
  assert.equal(run.apps.length, 6);
  for (const app of run.apps) {
    assert.deepEqual(app.command, [".venv/bin/python", "-m", "app"], app.appID);
    assert.deepEqual(app.env, { PORT: String(app.appPort) }, app.appID);
  }
});
