// The command layer (src/app) on its own, and the two interfaces over it: a command takes the input
// its spec types and throws errors keyed by the spec's parameter, which the command line names by
// its flag or operand and a tool call by its argument.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FastdaprError } from "../../src/core/errors.js";
import { runNew, type NewInput } from "../../src/app/new.js";
import { newService } from "../../src/commands/new.js";
import { runGraph } from "../../src/app/graph.js";
import { callTool, TOOL_SPECS } from "../../src/mcp/tools.js";
import type { ErrorAnswer } from "../../src/app/answer.js";
import type { Answer } from "../../src/app/answers.js";
import { runCli } from "../support/cli.js";

const base: NewInput = { name: "x-service", out: ".", subscribe: [], publish: [], stateKey: [], invoke: [], pubsub: "pubsub", stateStore: "statestore", dryRun: true };

async function inFolder<T>(cwd: string, run: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return await run();
  } finally {
    process.chdir(previous);
  }
}

async function tool(name: string, args: Record<string, unknown>, cwd: string): Promise<Answer> {
  return inFolder(cwd, async () => (await callTool(TOOL_SPECS.get(name)!, args, cwd)).answer);
}

/** A failed answer's error object (the test fails when the answer succeeded). */
function errorOf(answer: Answer): ErrorAnswer["error"] {
  assert.equal(answer.ok, false, JSON.stringify(answer));
  return (answer as ErrorAnswer).error;
}

async function cliAnswer(argv: string[], cwd: string): Promise<Answer> {
  return JSON.parse((await runCli([...argv, "--json"], cwd)).stdout) as Answer;
}

test("a command's rules throw errors keyed by its spec's parameter, not by a flag's spelling", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  await inFolder(cwd, async () => {
    await assert.rejects(
      runNew({ ...base, port: "eighty" }),
      (e: unknown) => e instanceof FastdaprError && e.code === "E_PORT" && e.param?.key === "port" && e.location === undefined,
    );
    await assert.rejects(
      runNew({ ...base, agent: false, agentModel: "m" }),
      (e: unknown) => e instanceof FastdaprError && e.code === "E_AGENT_FLAGS" && e.param?.key === "agent" && e.param.negated === true,
    );
    const { answer, exitCode } = await runNew({ ...base, port: 8123 });
    assert.deepEqual([answer.ok, answer.command, answer.path, answer.dryRun, exitCode], [true, "new", "x-service", true, 0]);
  });
});

test("each interface names a keyed error its own way: --no-agent on the command line, agent in a tool call", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  const cli = errorOf(await cliAnswer(["new", "x-service", "--no-agent", "--agent-model", "m"], cwd));
  const mcp = errorOf(await tool("new_service", { name: "x-service", agent: false, agentModel: "m" }, cwd));
  assert.deepEqual([cli.code, cli.location], ["E_AGENT_FLAGS", "--no-agent"]);
  assert.deepEqual([mcp.code, mcp.location], ["E_AGENT_FLAGS", "agent"]);
  assert.equal(mcp.message, cli.message);
});

test("an add command's bad value is located at that command's own parameter (add service NAME: <name>, add state --key)", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  await runCli(["init", ".", "--json"], cwd);
  const cases: [string[], string, Record<string, unknown>, string, string][] = [
    [["add", "service", "Bad_Name"], "add_service", { name: "Bad_Name" }, "<name>", "name"],
    [["add", "state", "nope-service", "--key", "a:{id}"], "add_state", { service: "nope-service", key: "a:{id}" }, "<service>", "service"],
  ];
  await runCli(["add", "service", "a-service", "--json"], cwd);
  cases.push([["add", "state", "a-service", "--key", "a||b"], "add_state", { service: "a-service", key: "a||b" }, "--key", "key"]);
  for (const [argv, name, args, cliLocation, toolLocation] of cases) {
    const cli = errorOf(await cliAnswer(argv, cwd));
    const mcp = errorOf(await tool(name, args, cwd));
    assert.equal(cli.location, cliLocation, argv.join(" "));
    assert.equal(mcp.location, toolLocation, name);
    assert.equal(mcp.code, cli.code);
  }
});

test("the command layer answers without either interface: the graph of a platform", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  await runCli(["init", ".", "--preset", "learnflow", "--json"], cwd);
  const { answer } = await inFolder(cwd, async () => runGraph({ format: "json", manifest: "fastdapr.yaml" }));
  const cli = await cliAnswer(["graph", "--format", "json"], cwd);
  assert.deepEqual(answer, cli);
  assert.equal(answer.format === "json" && answer.graph.services.length, 6);
});

test("every parameter of new reaches the command: --public (public in a tool call) admits the ingress controller", async () => {
  // the hand-written flags interface of the old CLI command lacked public: the flag was accepted and dropped
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  const policy = (service: string) => readFileSync(join(cwd, service, "k8s", "networkpolicy.yaml"), "utf8");
  assert.equal((await runCli(["new", "cli-service", "--public", "--json"], cwd)).code, 0);
  assert.equal((await tool("new_service", { name: "tool-service", public: true }, cwd)).ok, true);
  assert.equal((await runCli(["new", "plain-service", "--json"], cwd)).code, 0);
  assert.match(policy("cli-service"), /fastdapr\.io\/ingress-controller/);
  assert.match(policy("tool-service"), /fastdapr\.io\/ingress-controller/);
  assert.doesNotMatch(policy("plain-service"), /ingress-controller/);
});

test("the library's newService obeys the agent rules of new: settings without agent ask for one, agent: false with settings is E_AGENT_FLAGS", async () => {
  // the rule lived in the command layer: newService({ agentBackend }) made no agent, and agent: false with a model passed
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  const made = await newService({ name: "lib-service", agentBackend: "dapr-conversation", dryRun: true, cwd });
  assert.equal(made.service.agent?.backend, "dapr-conversation");
  await assert.rejects(
    newService({ name: "lib-service", agent: false, agentModel: "m", dryRun: true, cwd }),
    (e: unknown) => e instanceof FastdaprError && e.code === "E_AGENT_FLAGS" && e.param?.key === "agent" && e.param.negated === true && e.location === undefined,
  );
  assert.equal((await newService({ name: "lib-service", dryRun: true, cwd })).service.agent, null);
});

test("errors raised below the command layer are keyed by the parameter, each interface spells it", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-app-"));
  // the library: keys of its own options
  await assert.rejects(newService({ name: "x-service", stateKeys: ["a||b"], dryRun: true, cwd }), (e: unknown) => e instanceof FastdaprError && e.param?.key === "stateKeys");
  await assert.rejects(
    newService({ name: "x-service", out: "../elsewhere", dryRun: true, cwd }),
    (e: unknown) => e instanceof FastdaprError && e.code === "E_UNSAFE_PATH" && e.param?.key === "out",
  );
  // the command layer: its spec's keys; the CLI: flags and operands; a tool call: argument names
  const cases: [string[], string, Record<string, unknown>, string, string][] = [
    [["new", "x-service", "--state-key", "a||b"], "new_service", { name: "x-service", stateKey: ["a||b"] }, "--state-key", "stateKey"],
    [["new", "x-service", "--pubsub", "Bad_Name"], "new_service", { name: "x-service", pubsub: "Bad_Name" }, "--pubsub", "pubsub"],
    [["new", "x-service", "--python", "2.7"], "new_service", { name: "x-service", python: "2.7" }, "--python", "python"],
    [["new", "x-service", "--out", "../elsewhere"], "new_service", { name: "x-service", out: "../elsewhere" }, "--out", "out"],
    [["init", "../elsewhere"], "init_platform", { dir: "../elsewhere" }, "[DIR]", "dir"],
  ];
  for (const [argv, name, args, cliLocation, toolLocation] of cases) {
    const cli = errorOf(await cliAnswer(argv, cwd));
    const mcp = errorOf(await tool(name, args, cwd));
    assert.equal(cli.location, cliLocation, argv.join(" "));
    assert.equal(mcp.location, toolLocation, name);
    assert.equal(mcp.code, cli.code);
  }
  await inFolder(cwd, async () => {
    await assert.rejects(runNew({ ...base, stateKey: ["a||b"] }), (e: unknown) => e instanceof FastdaprError && e.param?.key === "stateKey");
  });
});
