// `fastdapr mcp` driven by the MCP SDK's own client over stdio, against the real executable: the
// tool list, every tool's result (the CLI's answer line, checked by the client against the tool's
// output schema), bad input with the CLI's error codes, and path confinement.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import type { ErrorAnswer } from "../../src/app/answer.js";
import type { Answer } from "../../src/app/answers.js";
import { spawnCli } from "../support/cli.js";

const BIN = fileURLToPath(new URL("../../bin/fastdapr.js", import.meta.url));
const contract = new Ajv().compile(JSON.parse(readFileSync(fileURLToPath(new URL("../../schemas/cli-output.schema.json", import.meta.url)), "utf8")));

// <parent>/work is the server's working directory; <parent>/outside must stay empty
const parent = mkdtempSync(join(tmpdir(), "fastdapr-mcp-"));
const cwd = join(parent, "work");
const outside = join(parent, "outside");
mkdirSync(cwd);
mkdirSync(outside);

let client: Client;

before(async () => {
  client = new Client({ name: "fastdapr-test", version: "0.0.0" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "mcp"], cwd, stderr: "pipe" }));
});

after(async () => {
  await client.close();
});

interface Called {
  isError: boolean;
  answer: Answer;
  text: string;
}

/** The error of a failed call (the test fails when the call succeeded). */
function failure(r: Called): ErrorAnswer["error"] {
  assert.equal(r.answer.ok, false, r.text);
  return (r.answer as ErrorAnswer).error;
}

async function call(name: string, args: Record<string, unknown>): Promise<Called> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, "text");
  const text = content[0]!.text;
  assert.ok(!text.includes("\n"), "one line");
  assert.deepEqual(JSON.parse(text), result.structuredContent, "text and structuredContent agree");
  assert.ok(contract(result.structuredContent), `the CLI's JSON contract: ${JSON.stringify(contract.errors)}\n${text}`);
  return { isError: result.isError === true, answer: result.structuredContent as Answer, text };
}

const TOOLS = ["new_service", "init_platform", "generate", "add_service", "add_pubsub", "add_state", "add_invoke", "add_agent", "check", "describe_platform"];

test("tools/list: one tool per command, input schemas carry the manifest's formats, and the list stays small", async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOLS].sort());
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object");
    assert.equal((tool.inputSchema as { additionalProperties?: boolean }).additionalProperties, false, tool.name);
    assert.ok(tool.description && tool.description.length > 20, tool.name);
    assert.equal(tool.outputSchema, undefined, "no output schema: it would cost ~1,100 tokens per tool in the client's context");
  }
  // every tool definition lands in the model's context: keep the whole list within ~4,000 tokens (output schemas made it ~13,000)
  assert.ok(JSON.stringify(tools).length < 16_000, `${JSON.stringify(tools).length} characters`);
  type Property = { type?: string; enum?: string[]; minimum?: number; items?: { pattern: string } };
  const props = byName.get("new_service")!.inputSchema.properties as Record<string, Property>;
  assert.deepEqual(byName.get("new_service")!.inputSchema.required, ["name"]);
  assert.equal(props.subscribe?.type, "array");
  assert.match("learning.query", new RegExp(props.subscribe?.items?.pattern ?? "^$"));
  assert.doesNotMatch("learning", new RegExp(props.subscribe?.items?.pattern ?? ".*"));
  assert.deepEqual(props.tier?.enum, ["lightweight", "standard", "agent"]);
  assert.equal(props.port?.type, "integer");
  assert.equal(props.port?.minimum, 1024);
  assert.equal(props.dryRun?.type, "boolean");
  assert.deepEqual(byName.get("add_state")!.inputSchema.required, ["service", "key"]);
  assert.deepEqual(Object.keys(byName.get("describe_platform")!.inputSchema.properties as object), ["manifest"], "format is fixed to json");
});

test("every tool answers like its command: init, add_*, generate (dry run, check), check, describe, new", async () => {
  const init = await call("init_platform", { dir: "lf", preset: "learnflow" });
  assert.equal(init.isError, false, init.text);
  assert.equal(init.answer.command, "init");
  assert.equal("root" in init.answer && init.answer.root, "lf");
  assert.ok(existsSync(join(cwd, "lf/services/triage-service/app/main.py")));

  // the same command on the command line, in a folder of its own, answers the same line
  const cliDir = mkdtempSync(join(tmpdir(), "fastdapr-mcp-cli-"));
  const cli = spawnCli(["init", "lf", "--preset", "learnflow", "--json"], cliDir);
  assert.equal(cli.stdout.trim(), init.text);

  const manifest = "lf/fastdapr.yaml";
  const steps: [string, Record<string, unknown>, string][] = [
    ["add_service", { name: "notify-service", tier: "lightweight", subscribe: ["exercise.response"], stateKey: ["notified:{user_id}"], manifest }, "add service"],
    ["add_pubsub", { service: "notify-service", publish: ["learning.query"], manifest }, "add pubsub"],
    ["add_state", { service: "notify-service", key: "seen:{user_id}", manifest }, "add state"],
    ["add_invoke", { service: "notify-service", target: "progress-service", manifest }, "add invoke"],
    ["add_agent", { service: "notify-service", manifest }, "add agent"],
    ["generate", { manifest, dryRun: true }, "generate"],
    ["generate", { manifest, check: true }, "generate"],
  ];
  for (const [tool, args, command] of steps) {
    const r = await call(tool, args);
    assert.equal(r.isError, false, `${tool}: ${r.text}`);
    assert.equal(r.answer.command, command);
  }
  assert.match((await call("generate", { manifest })).text, /"unchanged":\d+/);

  const check = await call("check", { manifest });
  assert.deepEqual(check.answer, { ok: true, command: "check", services: 7, topics: 11, drift: 0 });

  const graph = await call("describe_platform", { manifest });
  const described = graph.answer;
  assert.ok(described.command === "graph" && described.ok && described.format === "json", graph.text);
  const notify = described.graph.services.find((s) => s.name === "notify-service");
  assert.deepEqual(notify, { name: "notify-service", tier: "lightweight", port: 8007, agent: true, public: false });
  assert.ok(described.graph.invocations.some((i) => i.from === "notify-service" && i.to === "progress-service"));

  const created = await call("new_service", { name: "solo-service", out: "solo", subscribe: ["a.b"], agent: false, port: 8100 });
  assert.equal(created.isError, false, created.text);
  assert.equal("path" in created.answer && created.answer.path, "solo/solo-service");
  const cliNew = spawnCli(["new", "solo-service", "--out", "solo", "--subscribe", "a.b", "--no-agent", "--port", "8100", "--json"], cliDir);
  assert.equal(cliNew.stdout.trim(), created.text);
});

/** The CLI's error code for the same input, so the test proves "the same code", not a copy of it. */
function cliCode(argv: string[]): string {
  const run = spawnCli([...argv, "--json"], mkdtempSync(join(tmpdir(), "fastdapr-mcp-cli-")));
  return JSON.parse(run.stdout).error.code;
}

const BAD: { name: string; tool: string; args: Record<string, unknown>; argv: string[]; location?: string }[] = [
  { name: "bad topic", tool: "new_service", args: { name: "x", subscribe: ["learning"] }, argv: ["new", "x", "--subscribe", "learning"], location: "subscribe" },
  { name: "bad service name", tool: "new_service", args: { name: "Bad_Name" }, argv: ["new", "Bad_Name"], location: "name" },
  { name: "sidecar port", tool: "new_service", args: { name: "x", port: 3500 }, argv: ["new", "x", "--port", "3500"], location: "port" },
  { name: "unknown tier", tool: "new_service", args: { name: "x", tier: "huge" }, argv: ["new", "x", "--tier", "huge"], location: "tier" },
  { name: "unknown preset", tool: "init_platform", args: { dir: "p", preset: "nope" }, argv: ["init", "p", "--preset", "nope"], location: "preset" },
  { name: "no manifest", tool: "check", args: {}, argv: ["check"], location: "fastdapr.yaml" },
  { name: "missing required argument", tool: "add_state", args: { service: "x" }, argv: ["add", "state", "x"], location: "key" },
];

for (const c of BAD) {
  test(`bad input → a tool error with the CLI's code: ${c.name}`, async () => {
    const before = readdirSync(cwd).sort();
    const r = await call(c.tool, c.args);
    assert.equal(r.isError, true);
    const error = failure(r);
    assert.equal(error.code, cliCode(c.argv));
    assert.ok(error.hint.length > 0);
    if (c.location) assert.equal(error.location, c.location);
    assert.deepEqual(readdirSync(cwd).sort(), before, "nothing written");
  });
}

test("arguments of the wrong JSON type, unknown arguments and unknown tools are refused as usage errors", async () => {
  const wrongType = await call("new_service", { name: 5 });
  assert.equal(failure(wrongType).code, "E_USAGE");
  assert.equal(failure(wrongType).location, "name");
  assert.match(failure(wrongType).hint, /input schema of the new_service tool/);
  // a usage error found by the command line parser points at the tool too, not at --help
  const badChoice = await call("new_service", { name: "x", tier: "huge" });
  assert.equal(failure(badChoice).code, "E_USAGE");
  assert.match(failure(badChoice).hint, /input schema of the new_service tool/);
  const unknown = await call("new_service", { name: "x", colour: "red" });
  assert.equal(failure(unknown).code, "E_USAGE");
  assert.match(failure(unknown).message, /colour/);
  const notAList = await call("add_pubsub", { service: "x", subscribe: "a.b" });
  assert.equal(failure(notAList).location, "subscribe");
  // a value that looks like a flag stays a value
  const dashed = await call("new_service", { name: "--force" });
  assert.equal(failure(dashed).code, "E_SERVICE_NAME");
  await assert.rejects(client.callTool({ name: "rm_rf", arguments: {} }), /unknown tool/);
});

test("confinement: no tool call reads or writes outside the server's working directory", async () => {
  symlinkSync(outside, join(cwd, "link"));
  const attempts: [string, Record<string, unknown>][] = [
    ["new_service", { name: "x", out: "../outside" }],
    ["new_service", { name: "x", out: outside }],
    ["new_service", { name: "x", out: "link" }],
    ["new_service", { name: "x", out: "link/deeper" }],
    ["init_platform", { dir: "../escape" }],
    ["init_platform", { dir: "link" }],
    ["generate", { manifest: "../outside/fastdapr.yaml" }],
    ["check", { manifest: "/etc/hostname" }],
    ["describe_platform", { manifest: "link/fastdapr.yaml" }],
    ["add_service", { name: "x", manifest: "../fastdapr.yaml" }],
  ];
  for (const [tool, args] of attempts) {
    const r = await call(tool, args);
    assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${r.text}`);
    assert.equal(failure(r).code, "E_UNSAFE_PATH", `${tool} ${JSON.stringify(args)}`);
  }
  assert.deepEqual(readdirSync(outside), []);
  assert.ok(!existsSync(join(parent, "escape")));
});
