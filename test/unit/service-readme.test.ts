// A service runs locally from its README as written: every path its `dapr run` command names is in
// the generated tree, its flags are `dapr run` flags with the service's own values, and the
// components it loads reach the stores on localhost (the compose ones by service name).
import { test } from "node:test";
import assert from "node:assert/strict";
import { posix } from "node:path";
import { parse } from "yaml";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { CONTAINER_IMAGES } from "../../src/versions.js";
import type { Tree } from "../../src/tree/tree.js";
import { renderedPlatform } from "../support/platforms.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** Flags of `dapr run` that take a value (Dapr CLI v1.16.5, cmd/run.go). */
const DAPR_RUN_FLAGS = new Set([
  "--app-id",
  "--app-port",
  "--resources-path",
  "--config",
  "--app-protocol",
  "--dapr-http-port",
  "--dapr-grpc-port",
  "--log-level",
  "--metrics-port",
  "--app-channel-address",
]);

/** The shell lines of the README's ```sh blocks. */
function shellLines(readme: string): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split("\n")).filter((l) => l.trim());
}

/** `dapr run` flags (as a map) and the app command after `--`. */
function daprRun(readme: string): { flags: Map<string, string>; command: string[] } {
  const lines = shellLines(readme).filter((l) => l.startsWith("dapr run "));
  assert.equal(lines.length, 1, `one dapr run command:\n${readme}`);
  const [own, app] = lines[0]!.split(" -- ");
  const words = own!.split(/\s+/).slice(2);
  const flags = new Map<string, string>();
  for (let i = 0; i < words.length; i += 2) {
    assert.ok(DAPR_RUN_FLAGS.has(words[i]!), `${words[i]} is a dapr run flag`);
    flags.set(words[i]!, words[i + 1]!);
  }
  return { flags, command: app!.split(/\s+/) };
}

/** Whether `path` (relative to `dir` in the tree) is a generated file or a folder holding some. */
function inTree(tree: Tree, dir: string, path: string): boolean {
  const full = posix.normalize(posix.join(dir, path));
  return tree.list().some((f) => f.path === full || f.path.startsWith(`${full}/`));
}

function assertRunsFromReadme(tree: Tree, dir: string, svc: { appId: string; port: number }): Map<string, string> {
  const readme = tree.get(posix.join(dir, "README.md"))!.content;
  const { flags, command } = daprRun(readme);
  assert.equal(flags.get("--app-id"), svc.appId);
  assert.equal(flags.get("--app-port"), String(svc.port));
  for (const flag of ["--resources-path", "--config"]) {
    assert.ok(inTree(tree, dir, flags.get(flag)!), `${flag} ${flags.get(flag)} exists beside ${dir}/README.md`);
  }
  // the app: the virtual environment the README's first command creates, the image's entry point
  assert.deepEqual(command, [".venv/bin/python", "-m", "app"]);
  assert.ok(shellLines(readme).some((l) => l.startsWith("python3 -m venv .venv ")));
  assert.ok(inTree(tree, dir, "app/__main__.py"));
  // the app listens where the sidecar calls it
  assert.match(tree.get(posix.join(dir, "app/core/config.py"))!.content, new RegExp(`port: int = Field\\(default=${svc.port},`));
  return flags;
}

/** The addresses in a folder's components, by component type. */
function addresses(tree: Tree, dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of tree.list().filter((f) => f.path.startsWith(`${dir}/`))) {
    const doc = parse(file.content) as Obj;
    if (doc.kind !== "Component") continue;
    const hosts = doc.spec.metadata.filter((m: Obj) => ["redisHost", "brokers"].includes(m.name)).map((m: Obj) => m.value);
    if (hosts.length) out[doc.spec.type] = hosts;
  }
  return out;
}

test("a lone service: dapr run with dapr/local (stores on localhost), the stores started as the README says", () => {
  const svc = buildServiceModel({ name: "solo-service", port: 8010, subscribes: ["a.b"] });
  const tree = renderServiceTree(svc);
  const flags = assertRunsFromReadme(tree, "", svc);
  assert.equal(flags.get("--resources-path"), "./dapr/local");
  assert.deepEqual(addresses(tree, "dapr/local"), { "pubsub.kafka": ["localhost:9092"], "state.redis": ["localhost:6379"] });
  // compose keeps its own, by service name, and its sidecar loads them
  assert.deepEqual(addresses(tree, "dapr/compose"), { "pubsub.kafka": ["kafka:9092"], "state.redis": ["redis:6379"] });
  const compose = parse(tree.get("docker-compose.yml")!.content) as Obj;
  assert.ok(compose.services["solo-service-dapr"].command.includes("/dapr/compose"));
  // the stores, on the ports the local components name, from the images compose runs
  const docker = shellLines(tree.get("README.md")!.content).filter((l) => l.startsWith("docker run "));
  assert.deepEqual(docker, [
    `docker run -d --name solo-service-redis -p 127.0.0.1:6379:6379 ${CONTAINER_IMAGES.redis}`,
    `docker run -d --name solo-service-kafka -p 127.0.0.1:9092:9092 ${CONTAINER_IMAGES.kafka}`,
  ]);
  assert.equal(compose.services.redis.image, CONTAINER_IMAGES.redis);
  assert.equal(compose.services.kafka.image, CONTAINER_IMAGES.kafka);
});

test("a platform's service: dapr run alone with the platform's dapr/local, from its own folder", () => {
  const tree = renderedPlatform(learnflowPreset());
  for (const [name, port] of [
    ["triage-service", 8001],
    ["progress-service", 8006],
  ] as const) {
    const flags = assertRunsFromReadme(tree, `services/${name}`, { appId: name, port });
    assert.equal(flags.get("--resources-path"), "../../dapr/local");
  }
  assert.deepEqual(addresses(tree, "dapr/local"), { "pubsub.redis": ["localhost:6379"], "state.redis": ["localhost:6379"] });
});

test("an agent can be tried offline as its README says: the Conversation API backend with conversation.echo", () => {
  // an OpenAI agent's README names the switch ...
  const openai = renderServiceTree(buildServiceModel({ name: "tutor-service", tier: "agent", port: 8020 })).get("README.md")!.content;
  const command = /`(fastdapr new tutor-service --agent-backend dapr-conversation)`/.exec(openai);
  assert.ok(command, "the README names the command that switches the backend");
  assert.match(openai, /`conversation\.echo`/);
  // ... and after it, the README's dapr run loads an echo component under the name the app calls
  const svc = buildServiceModel({ name: "tutor-service", tier: "agent", port: 8020, agentBackend: "dapr-conversation" });
  const tree = renderServiceTree(svc);
  const flags = assertRunsFromReadme(tree, "", svc);
  const components = tree
    .list()
    .filter((f) => f.path.startsWith(`${flags.get("--resources-path")!.replace("./", "")}/`))
    .map((f) => parse(f.content) as Obj);
  const echo = components.find((c) => c.spec?.type === "conversation.echo");
  assert.ok(echo, "dapr/local has the echo component");
  assert.match(tree.get("app/core/config.py")!.content, new RegExp(`conversation_component: str = "${echo.metadata.name}"`));
  // the README's call reaches the agent's route with the body it takes
  const readme = tree.get("README.md")!.content;
  const curl = shellLines(readme)
    .join("\n")
    .replace(/\\\n\s*/g, "");
  assert.match(curl, /curl -X POST localhost:8020\/agent\/chat -H 'content-type: application\/json' -d '\{"session_id": "s1", "message": "hello"\}'/);
  assert.match(tree.get("app/agents/routes.py")!.content, /prefix="\/agent"[\s\S]*@router\.post\("\/chat"/);
  assert.match(tree.get("app/agents/routes.py")!.content, /session_id/);

  // LearnFlow: switching its three agents as the platform README says gives them the echo component
  const text = learnflowPreset();
  const platformReadme = renderedPlatform(text).get("README.md")!.content;
  assert.match(platformReadme, /To try it offline[\s\S]*`backend: dapr-conversation`[\s\S]*`conversation\.echo`/);
  const offline = renderedPlatform(text.replaceAll("      backend: openai", "      backend: dapr-conversation"));
  const local = offline
    .list()
    .filter((f) => f.path.startsWith("dapr/local/"))
    .map((f) => parse(f.content) as Obj);
  const shared = local.find((c) => c.spec?.type === "conversation.echo");
  assert.deepEqual(shared?.scopes, ["code-review-service", "debug-service", "exercise-service"]);
});
