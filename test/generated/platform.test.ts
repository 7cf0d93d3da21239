// `fastdapr init --preset learnflow` end to end on files: the platform's structured files validate,
// both kustomize overlays render into valid objects, every service passes its own ruff, mypy and
// pytest, and `add`/`generate --check` behave on the generated tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { assertPythonChecksPass, pythonVenv } from "../support/python-checks.js";
import { validateFile, validateKubernetesSet, type Problem } from "../support/validators/index.js";

const show = (problems: Problem[]) => problems.map((p) => `${p.file}: [${p.rule}] ${p.message}`).join("\n");

const cwd = mkdtempSync(join(tmpdir(), "fastdapr-platform-"));
const platform = join(cwd, "learnflow");

test("init --preset learnflow generates six services and the shared infrastructure", async () => {
  const run = await runCli(["init", "learnflow", "--preset", "learnflow", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const answer = JSON.parse(run.stdout);
  assert.equal(answer.ok, true);
  assert.ok(run.stdout.trim().length <= 240, run.stdout);
  assert.deepEqual(readdirSync(join(platform, "services")).sort(), [
    "code-review-service",
    "concepts-service",
    "debug-service",
    "exercise-service",
    "progress-service",
    "triage-service",
  ]);
  for (const f of ["fastdapr.yaml", "README.md", "dapr.yaml", "docker-compose.yml", "deploy/base/kustomization.yaml"]) {
    assert.ok(existsSync(join(platform, f)), f);
  }
  assert.match(readFileSync(join(platform, "README.md"), "utf8"), /```mermaid\nflowchart LR/);
});

test("the platform's structured files validate", () => {
  const files: { file: string; text: string }[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (["services", ".fastdapr", "fastdapr.yaml"].includes(entry.name)) continue;
      const full = join(dir, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, r);
      else files.push({ file: r, text: readFileSync(full, "utf8") });
    }
  };
  walk(platform, "");
  const problems = files.flatMap((f) => (f.file.startsWith("deploy/") ? [] : validateFile(f.file, f.text)));
  assert.deepEqual(problems, [], show(problems));
  for (const svc of readdirSync(join(platform, "services"))) {
    const dockerfile = readFileSync(join(platform, "services", svc, "Dockerfile"), "utf8");
    assert.deepEqual(validateFile("Dockerfile", dockerfile), [], svc);
  }
});

for (const overlay of ["dev", "prod"]) {
  test(`kubectl kustomize deploy/overlays/${overlay} renders valid objects`, () => {
    const rendered = execFileSync("kubectl", ["kustomize", join(platform, "deploy/overlays", overlay)], { encoding: "utf8" });
    const problems = validateKubernetesSet([{ file: `${overlay}.yaml`, text: rendered }]);
    assert.deepEqual(problems, [], show(problems));
    const deployments = rendered.match(/^kind: Deployment$/gm) ?? [];
    // the six services, and in dev the OpenTelemetry collector the overlay runs
    assert.equal(deployments.length, overlay === "dev" ? 7 : 6);
    const hpas = rendered.match(/^kind: HorizontalPodAutoscaler$/gm) ?? [];
    assert.equal(hpas.length, overlay === "prod" ? 6 : 0);
    assert.match(rendered, new RegExp(`namespace: learnflow${overlay === "dev" ? "-dev" : ""}\\n`));
  });
}

test("every LearnFlow service passes ruff, mypy and its own tests", () => {
  const venv = pythonVenv();
  for (const svc of readdirSync(join(platform, "services"))) {
    assertPythonChecksPass(join(platform, "services", svc), venv, svc);
  }
});

test("generate twice changes nothing; --check passes, then fails on a hand edit", async () => {
  const again = await runCli(["generate", "--json"], platform);
  const answer = JSON.parse(again.stdout);
  assert.equal(answer.created, 0);
  assert.equal(answer.updated, 0);
  assert.equal((await runCli(["generate", "--check", "--json"], platform)).code, 0);
  const file = join(platform, "deploy/base/triage-service/service.yaml");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, `${original}# edited\n`);
  const drift = await runCli(["generate", "--check"], platform);
  assert.equal(drift.code, 1);
  assert.match(drift.stdout, /CONFLICT\s+deploy\/base\/triage-service\/service.yaml/);
  writeFileSync(file, original);
});

test("add pubsub edits the manifest keeping its comments and adds only the new wiring", async () => {
  const manifest = join(platform, "fastdapr.yaml");
  const before = readFileSync(manifest, "utf8");
  const handler = join(platform, "services/concepts-service/app/handlers/learning_concept_request.py");
  writeFileSync(handler, `${readFileSync(handler, "utf8")}\n# my edit\n`);
  const run = await runCli(["add", "pubsub", "concepts-service", "--subscribe", "struggle.alert", "--json"], platform);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const after = readFileSync(manifest, "utf8");
  const comments = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("#"));
  assert.deepEqual(comments(after), comments(before), "comments kept");
  assert.match(after, /struggle\.alert/);
  assert.ok(existsSync(join(platform, "services/concepts-service/app/handlers/struggle_alert.py")));
  assert.match(readFileSync(handler, "utf8"), /# my edit/);
  const changedOutsideConcepts = JSON.parse(run.stdout);
  assert.ok(changedOutsideConcepts.created >= 2 && changedOutsideConcepts.created <= 4, run.stdout);
});
