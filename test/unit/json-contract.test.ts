// The JSON contract of --json (docs/json-contract.md): every command's answer, on success and on
// error, is one line on stdout that the shipped schema accepts; typical success answers fit in
// 240 characters (≈ 60 tokens); errors keep their exit codes; nothing is styled or waits for input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { CLI_OUTPUT_SCHEMA_FILE, cliOutputJsonSchema, cliOutputJsonSchemaText } from "../../src/app/answers.js";
import type { ErrorAnswer } from "../../src/app/answer.js";
import type { Answer, Warning } from "../../src/app/answers.js";
import { ERROR_CODES } from "../../src/app/error-codes.js";
import { runCli, spawnCli, type CliRun } from "../support/cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, CLI_OUTPUT_SCHEMA_FILE), "utf8")));

function workdir(): string {
  return mkdtempSync(join(tmpdir(), "fastdapr-contract-"));
}

/** Runs `argv --json` (in process: the same main() the executable runs) and checks the line against the shipped schema. */
async function answer(argv: string[], cwd: string): Promise<{ run: CliRun; line: string; body: Answer }> {
  const run = await runCli([...argv, "--json"], cwd);
  const lines = run.stdout.split("\n");
  assert.equal(lines.length, 2, `one line then the newline: ${JSON.stringify(run.stdout)}`);
  assert.equal(lines[1], "");
  assert.equal(run.stderr, "", `nothing on stderr under --json: ${run.stderr}`);
  const body = JSON.parse(lines[0]!) as Answer;
  assert.ok(validate(body), `${argv.join(" ")}: ${JSON.stringify(validate.errors)}\n${lines[0]}`);
  return { run, line: lines[0]!, body };
}

test("the shipped schema is the one generated from the zod answers (run scripts/write-schema.ts)", () => {
  assert.equal(readFileSync(join(ROOT, CLI_OUTPUT_SCHEMA_FILE), "utf8"), cliOutputJsonSchemaText());
  assert.ok(new Ajv().validateSchema(cliOutputJsonSchema()));
});

test("every error code the source raises is in the registry, and every registered code is raised", () => {
  const used = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !path.endsWith("error-codes.ts")) {
        for (const m of readFileSync(path, "utf8").matchAll(/"(E_[A-Z_]+)"/g)) used.add(m[1]!);
      }
    }
  };
  walk(join(ROOT, "src"));
  const registered = Object.keys(ERROR_CODES);
  const missing = [...used].filter((c) => !registered.includes(c));
  assert.deepEqual(missing, [], "add these codes (meaning and a general hint) to src/app/error-codes.ts, then run scripts/write-schema.ts");
  assert.deepEqual(
    registered.filter((c) => !used.has(c)),
    [],
    "registered codes nothing raises",
  );
});

test("docs/agent-interface.md lists every error code", () => {
  const doc = readFileSync(join(ROOT, "docs/agent-interface.md"), "utf8");
  const missing = Object.keys(ERROR_CODES).filter((code) => !doc.includes(`| \`${code}\` |`));
  assert.deepEqual(missing, []);
});

test("success answers: one line each, valid, and typical ones within 240 characters", async () => {
  const cwd = workdir();
  const sizes: Record<string, number> = {};
  const typical = async (argv: string[], at = cwd): Promise<Answer> => {
    const { body, line } = await answer(argv, at);
    assert.equal(body.ok, true, line);
    sizes[argv.slice(0, 2).join(" ")] = line.length;
    assert.ok(line.length <= 240, `${argv.join(" ")}: ${line.length} characters: ${line}`);
    return body;
  };
  await typical([
    "new",
    "exercise-service",
    "--tier",
    "agent",
    "--subscribe",
    "exercise.request",
    "--publish",
    "exercise.response",
    "--state-key",
    "attempts:{user_id}",
    "--invoke",
    "progress-service",
  ]);
  await typical(["init", "learnflow", "--preset", "learnflow"]);
  const lf = join(cwd, "learnflow");
  await typical(["generate"], lf);
  await typical(["add", "service", "notify-service", "--subscribe", "exercise.response"], lf);
  await typical(["add", "pubsub", "notify-service", "--publish", "learning.query"], lf);
  await typical(["add", "state", "notify-service", "--key", "seen:{user_id}"], lf);
  await typical(["add", "invoke", "notify-service", "--target", "progress-service"], lf);
  await typical(["add", "agent", "notify-service"], lf);
  await typical(["check"], lf);
  await typical(["generate", "--check"], lf);
  const dryRun = await typical(["generate", "--dry-run"], lf);
  assert.equal("dryRun" in dryRun && dryRun.dryRun, true);
  await typical(["init", "blank-platform"]);

  // answers whose size depends on the platform: valid, not measured
  const json = (await answer(["graph", "--format", "json"], lf)).body;
  assert.ok(json.command === "graph" && json.ok && json.format === "json");
  assert.equal(json.graph.services.length, 7);
  const mermaid = (await answer(["graph"], lf)).body;
  assert.ok(mermaid.command === "graph" && mermaid.ok && mermaid.format === "mermaid");
  assert.match(mermaid.graph, /^flowchart LR/);
  const status = async () => {
    const installed = (await answer(["skill", "install"], lf)).body;
    return "status" in installed ? installed.status : undefined;
  };
  assert.equal(await status(), "created");
  assert.equal(await status(), "unchanged");
  assert.ok(Object.keys(sizes).length >= 10);
});

test("warnings travel in the success line (code, message, location), only when there are some", async () => {
  const cwd = workdir();
  await answer(["init", "p"], cwd);
  const p = join(cwd, "p");
  const warningsOf = (a: Answer): Warning[] => ("warnings" in a && a.warnings) || [];
  const { body } = await answer(["add", "service", "lonely-service", "--publish", "orders.created"], p);
  assert.deepEqual(
    warningsOf(body).map((w) => w.code),
    ["W_NO_SUBSCRIBER"],
  );
  assert.match(warningsOf(body)[0]?.location ?? "", /^fastdapr\.yaml:\d+:\d+$/);
  assert.equal(warningsOf((await answer(["check"], p)).body).length, 1);
});

const TINY =
  "apiVersion: fastdapr/v1\nname: tiny\ntopics:\n  orders.created: {}\nservices:\n  triage-service: {port: 8001, publishes: [orders.created]}\n  order-service: {port: 8002, subscribes: [orders.created]}\n";

/** A small generated platform in `cwd`. */
async function tinyPlatform(cwd: string): Promise<void> {
  writeFileSync(join(cwd, "fastdapr.yaml"), TINY);
  assert.equal((await runCli(["generate"], cwd)).code, 0);
}

const ERRORS: { name: string; argv: string[]; code: string; exit: number; location?: RegExp; command?: string; setup?: (cwd: string) => void | Promise<void> }[] = [
  { name: "unknown flag", argv: ["new", "x", "--bogus"], code: "E_USAGE", exit: 2, location: /^--bogus$/ },
  { name: "missing argument", argv: ["new"], code: "E_USAGE", exit: 2, location: /^<service-name>$/ },
  { name: "invalid choice", argv: ["init", "--preset", "huge"], code: "E_USAGE", exit: 2, location: /^--preset$/ },
  { name: "missing required option", argv: ["add", "state", "svc"], code: "E_USAGE", exit: 2, location: /^--key$/ },
  { name: "unknown command", argv: ["frobnicate"], code: "E_USAGE", exit: 2, location: /^frobnicate$/, command: "fastdapr" },
  { name: "missing command", argv: ["add"], code: "E_USAGE", exit: 2, location: /^<command>$/ },
  { name: "bad topic", argv: ["new", "x", "--subscribe", "learning"], code: "E_TOPIC", exit: 2, location: /^--subscribe$/ },
  { name: "unsafe path", argv: ["init", "../elsewhere"], code: "E_UNSAFE_PATH", exit: 2, location: /^\[DIR\]$/ },
  { name: "no manifest", argv: ["generate"], code: "E_MANIFEST_NOT_FOUND", exit: 2, location: /fastdapr\.yaml$/ },
  {
    name: "invalid manifest",
    argv: ["check"],
    code: "E_MANIFEST_VALUE",
    exit: 2,
    location: /^fastdapr\.yaml:\d+:\d+$/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), "apiVersion: fastdapr/v1\nname: Bad Name\n"),
  },
  {
    name: "graph error in check",
    argv: ["check"],
    code: "E_UNDECLARED_TOPIC",
    exit: 1,
    location: /^fastdapr\.yaml:\d+:\d+$/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), "apiVersion: fastdapr/v1\nname: p\nservices:\n  a-service: {port: 8001, subscribes: [x.y]}\n"),
  },
  { name: "unknown service", argv: ["add", "agent", "ghost-service"], code: "E_UNKNOWN_SERVICE", exit: 2, setup: tinyPlatform },
  {
    name: "unknown invoke target",
    argv: ["add", "invoke", "triage-service", "--target", "ghost-service"],
    code: "E_INVOKE_TARGET",
    exit: 2,
    location: /^--target$/,
    setup: tinyPlatform,
  },
  {
    name: "drift",
    argv: ["generate", "--check"],
    code: "E_DRIFT",
    exit: 1,
    location: /^services\/triage-service\/app\/main\.py$/,
    setup: async (cwd) => {
      await tinyPlatform(cwd);
      appendFileSync(join(cwd, "services/triage-service/app/main.py"), "# hand edit\n");
    },
  },
  {
    name: "hand-edited generated file",
    argv: ["generate"],
    code: "E_CONFLICT",
    exit: 1,
    setup: async (cwd) => {
      await tinyPlatform(cwd);
      appendFileSync(join(cwd, "services/triage-service/app/main.py"), "# hand edit\n");
    },
  },
];

for (const c of ERRORS) {
  test(`error answers: one valid line, a stable code, a hint, the same exit code as without --json: ${c.name}`, async () => {
    const cwd = workdir();
    await c.setup?.(cwd);
    const { run, body } = await answer(c.argv, cwd);
    assert.equal(body.ok, false);
    const { error } = body as ErrorAnswer;
    assert.equal(error.code, c.code, JSON.stringify(body));
    assert.equal(run.code, c.exit);
    assert.ok(!error.message.includes("\n"), "one sentence, one line");
    assert.ok(error.hint.length > 0);
    if (c.location) assert.match(error.location ?? "", c.location);
    assert.equal(body.command, c.command ?? (c.argv[0] === "add" && c.argv[1] ? `add ${c.argv[1]}` : c.argv[0]));
    const human = await runCli(c.argv, cwd);
    assert.equal(human.code, c.exit, "same exit code without --json");
    if (c.name === "missing command") assert.match(human.stderr, /^Usage: fastdapr add/m, "the help instead");
    else {
      assert.match(human.stderr, /^error: /m);
      assert.match(human.stderr, /^hint: /m);
    }
  });
}

test("the real executable: same line, same exit code as in process", async () => {
  const cwd = workdir();
  for (const argv of [["new", "x", "--port", "1"], ["new", "real-service"], ["check"]]) {
    const spawned = spawnCli([...argv, "--json"], cwd);
    const inProcess = await runCli([...argv, "--json"], workdir());
    assert.equal(spawned.code, inProcess.code, argv.join(" "));
    assert.equal(spawned.stdout.replace(/"created":\d+/, ""), inProcess.stdout.replace(/"created":\d+/, ""));
    assert.equal(spawned.stderr, "");
  }
});

const ESC = "\u001b";

test("no colours, even with FORCE_COLOR set and help requested", () => {
  const cwd = workdir();
  for (const argv of [["--help"], ["new", "--help"], ["new", "Bad"], ["new", "x", "--json"], ["new", "y"]]) {
    const run = spawnCli(argv, cwd, { FORCE_COLOR: "3" });
    assert.ok(!run.stdout.includes(ESC) && !run.stderr.includes(ESC), `${argv.join(" ")} printed an escape sequence`);
  }
});

test("on a terminal: --json is still one line, nothing styled, no prompt (stdin is a terminal that never answers)", () => {
  const cwd = workdir();
  const bin = join(ROOT, "bin/fastdapr.js");
  for (const args of [
    ["new", "tty-service", "--json"],
    ["new", "--json"],
    ["init", "--json"],
  ]) {
    const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(" ");
    // `script` gives the command a pseudo-terminal for stdin, stdout and stderr
    const run = spawnSync("script", ["-qec", command, "/dev/null"], { cwd, encoding: "utf8", timeout: 60_000 });
    assert.equal(run.error, undefined, "finished without waiting for input");
    const lines = run.stdout.split(/\r?\n/).filter((l) => l.length > 0);
    assert.equal(lines.length, 1, JSON.stringify(run.stdout));
    assert.ok(validate(JSON.parse(lines[0]!)), lines[0]);
    assert.ok(!run.stdout.includes(ESC));
  }
});
