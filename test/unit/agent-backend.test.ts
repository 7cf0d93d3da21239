// The agent's backend choice (OpenAI API or Dapr Conversation API) from flags and manifests to
// rendered files: settings, dependencies, Dapr components per environment and validation errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { parseManifest } from "../../src/manifest/load.js";
import { addAgent } from "../../src/manifest/edit.js";
import { buildPlatform, PlatformError } from "../../src/platform/build-platform.js";
import { renderPlatform } from "../../src/render/platform.js";
import { Tree } from "../../src/tree/tree.js";
import { FastdaprError } from "../../src/core/errors.js";
import { runCli } from "../support/cli.js";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function yamlOf(tree: Tree, path: string): Doc {
  const file = tree.get(path);
  assert.ok(file, `${path} is rendered`);
  return parse(file.content) as Doc;
}

test("the dapr-conversation backend: no key, no SDK, echo locally and openai in the cluster", () => {
  const svc = buildServiceModel({ name: "debug-service", tier: "agent", agentBackend: "dapr-conversation", agentModel: "gpt-5-nano" });
  assert.equal(svc.agent?.conversationComponent, "llm");
  const tree = renderServiceTree(svc);
  assert.equal(yamlOf(tree, "dapr/local/conversation.yaml").spec.type, "conversation.echo");
  const prod = yamlOf(tree, "k8s/dapr/conversation.yaml");
  assert.equal(prod.spec.type, "conversation.openai");
  assert.deepEqual(prod.spec.metadata, [
    { name: "key", secretKeyRef: { name: "llm-openai", key: "api-key" } },
    { name: "model", value: "gpt-5-nano" },
  ]);
  assert.ok(yamlOf(tree, "k8s/kustomization.yaml").resources.includes("dapr/conversation.yaml"));
  const resiliency = yamlOf(tree, "dapr/local/resiliency.yaml");
  assert.deepEqual(resiliency.spec.targets.components.llm, { outbound: { timeout: "conversationTimeout" } });
  assert.equal(resiliency.spec.policies.timeouts.conversationTimeout, "30s");

  const deployment = yamlOf(tree, "k8s/deployment.yaml");
  const env = (deployment.spec.template.spec.containers[0].env as { name: string }[]).map((e) => e.name);
  assert.ok(!env.includes("OPENAI_API_KEY"), "the service holds no provider key");
  assert.equal(yamlOf(tree, "k8s/configmap.yaml").data.CONVERSATION_COMPONENT, "llm");
  assert.doesNotMatch(tree.get("pyproject.toml")!.content, /openai/);
  assert.match(tree.get("app/core/config.py")!.content, /conversation_component: str = "llm"/);
  assert.doesNotMatch(tree.get("app/core/config.py")!.content, /openai/);
  assert.ok(tree.get("app/agents/dapr_conversation.py") && !tree.get("app/agents/openai_model.py"));
});

test("the openai backend: a key from a secret, the SDK, no conversation component", () => {
  const tree = renderServiceTree(buildServiceModel({ name: "code-review", tier: "agent" }));
  assert.equal(tree.get("dapr/local/conversation.yaml"), undefined);
  assert.equal(tree.get("k8s/dapr/conversation.yaml"), undefined);
  assert.match(tree.get("pyproject.toml")!.content, /"openai==/);
  const env = yamlOf(tree, "k8s/deployment.yaml").spec.template.spec.containers[0].env as { name: string; valueFrom: Doc }[];
  assert.deepEqual(env.find((e) => e.name === "OPENAI_API_KEY")?.valueFrom.secretKeyRef, { name: "code-review-llm", key: "api-key", optional: false });
  assert.ok(tree.get("app/agents/openai_model.py") && !tree.get("app/agents/dapr_conversation.py"));
  assert.equal(yamlOf(tree, "dapr/local/resiliency.yaml").spec.policies.timeouts.conversationTimeout, undefined);
});

test("agent settings are validated where they are given: keyed by the option (the library's name for it)", () => {
  const cases: [Parameters<typeof buildServiceModel>[0], string, RegExp][] = [
    [{ name: "a", agent: true, agentBackend: "bedrock" as never }, "agentBackend", /openai, dapr-conversation/],
    [{ name: "a", agent: true, conversationComponent: "Bad_Name" }, "conversationComponent", /./],
    [{ name: "a", agent: true, historyMaxTokens: 50 }, "historyMaxTokens", /at least 100/],
    [{ name: "a", agent: true, historyMaxMessages: 0 }, "historyMaxMessages", /at least 1/],
    [{ name: "a", agent: true, historyTtlSeconds: 1.5 }, "historyTtlSeconds", /whole number/],
    [{ name: "a", agent: true, agentModel: " " }, "agentModel", /empty/],
  ];
  for (const [options, key, says] of cases) {
    assert.throws(
      () => buildServiceModel(options),
      (e: unknown) => e instanceof FastdaprError && e.location === undefined && e.param?.key === key && says.test(e.message),
      `${key} is refused`,
    );
  }
});

const manifest = (agents: string) => `apiVersion: fastdapr/v1
name: learn
services:
  debug-service:
    port: 8001
    agent: { backend: dapr-conversation, model: gpt-5-nano, historyMaxTokens: 4000 }
  exercise-service:
    port: 8002
${agents}
  triage-service:
    port: 8003
`;

test("a platform renders one conversation component per name, scoped to its agents, per environment", () => {
  const text = manifest("    agent: { backend: dapr-conversation, model: gpt-5-nano }");
  const platform = buildPlatform(parseManifest(text).manifest);
  assert.equal(platform.services[0]!.agent?.historyMaxTokens, 4000);
  const tree = new Tree();
  renderPlatform(platform, tree);
  for (const [path, type] of [
    ["dapr/local/conversation-llm.yaml", "conversation.echo"],
    ["dapr/compose/conversation-llm.yaml", "conversation.echo"],
    ["deploy/overlays/dev/dapr/conversation-llm.yaml", "conversation.openai"],
    ["deploy/overlays/prod/dapr/conversation-llm.yaml", "conversation.openai"],
  ] as const) {
    const doc = yamlOf(tree, path);
    assert.equal(doc.spec.type, type, path);
    assert.deepEqual(doc.scopes, ["debug-service", "exercise-service"], path);
  }
  assert.ok(yamlOf(tree, "deploy/overlays/prod/kustomization.yaml").resources.includes("dapr/conversation-llm.yaml"));
});

test("two agents sharing a conversation component must agree on the model", () => {
  const text = manifest("    agent: { backend: dapr-conversation, model: gpt-4o }");
  assert.throws(
    () => buildPlatform(parseManifest(text).manifest),
    (e: unknown) => e instanceof PlatformError && e.problems.some((p) => p.code === "E_CONVERSATION_MODEL" && /own conversationComponent/.test(p.hint ?? "")),
  );
  const separate = manifest("    agent: { backend: dapr-conversation, model: gpt-4o, conversationComponent: exercise-llm }");
  assert.equal(buildPlatform(parseManifest(separate).manifest).services[1]!.agent?.conversationComponent, "exercise-llm");
});

test("the manifest schema refuses bad agent settings with their place", () => {
  assert.throws(() => parseManifest(manifest("    agent: { backend: dapr-conversation, historyMaxTokens: 10 }")), /historyMaxTokens/);
  assert.throws(() => parseManifest(manifest("    agent: { backend: bedrock }")), /backend/);
});

test("add agent writes the backend, and switches an existing agent's backend", () => {
  const { doc } = parseManifest(manifest(""));
  const added = addAgent(doc, "triage-service", { backend: "dapr-conversation", conversationComponent: "triage-llm" });
  assert.match(added, /triage-service:\n {4}port: 8003\n {4}agent:\n {6}backend: dapr-conversation\n {6}model: gpt-4o-mini\n {6}conversationComponent: triage-llm/);
  const switched = addAgent(doc, "debug-service", { backend: "openai" });
  assert.match(switched, /agent: \{ backend: openai, model: gpt-5-nano, historyMaxTokens: 4000 \}/);
  assert.equal(addAgent(doc, "debug-service"), switched, "no options: unchanged");
  assert.throws(() => addAgent(doc, "debug-service", { conversationComponent: "Bad_Name" }), /not a valid Dapr component name/);
});

test("new --agent-backend dapr-conversation turns the agent on and writes the component", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-agent-"));
  const run = await runCli(["new", "helper", "--agent-backend", "dapr-conversation", "--conversation-component", "helper-llm", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.ok(existsSync(join(cwd, "helper/app/agents/dapr_conversation.py")));
  assert.equal((parse(readFileSync(join(cwd, "helper/dapr/local/conversation.yaml"), "utf8")) as Doc).metadata.name, "helper-llm");

  const contradiction = await runCli(["new", "other", "--no-agent", "--agent-model", "gpt-4o", "--json"], cwd);
  assert.equal(contradiction.code, 2);
  assert.equal(JSON.parse(contradiction.stdout).error.code, "E_AGENT_FLAGS");
  assert.ok(!existsSync(join(cwd, "other")));
  const badChoice = await runCli(["new", "other", "--agent-backend", "bedrock"], cwd);
  assert.equal(badChoice.code, 2);
  assert.match(badChoice.stderr, /openai, dapr-conversation/);
});
