// Hostile and mistaken input is a user error (exit 2, a message naming the value and the fix,
// nothing written), never "a fastdapr bug" (exit 70).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { runCli } from "../support/cli.js";

const workdir = () => mkdtempSync(join(tmpdir(), "fastdapr-bad-"));

interface Case {
  name: string;
  argv: string[];
  code: string;
  says: RegExp;
  location?: string;
  setup?: (cwd: string) => void;
}

/** A manifest with one topic (given) and one service using it (with extra lines). */
const manifest =
  (topic: string, ...service: string[]) =>
  (cwd: string): void =>
    writeFileSync(
      join(cwd, "fastdapr.yaml"),
      ["apiVersion: fastdapr/v1", "name: shop", "topics:", topic, "services:", "  orders-service:", "    port: 8001", "    publishes: [orders.created]", ...service, ""].join("\n"),
    );

const BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcde"[i]}`).join(", ")}]`)].join("\n");

const CASES: Case[] = [
  {
    name: "--out naming a regular file",
    argv: ["new", "x-service", "--out", "notes.txt"],
    code: "E_BAD_PATH",
    says: /"notes\.txt" is not a folder/,
    location: "--out",
    setup: (cwd) => writeFileSync(join(cwd, "notes.txt"), "mine\n"),
  },
  {
    name: "init into a regular file",
    argv: ["init", "notes.txt/platform"],
    code: "E_BAD_PATH",
    says: /notes\.txt is a file/,
    location: "[DIR]",
    setup: (cwd) => writeFileSync(join(cwd, "notes.txt"), "mine\n"),
  },
  {
    name: "--manifest naming a folder (check)",
    argv: ["check", "--manifest", "shop"],
    code: "E_MANIFEST_FILE",
    says: /shop is a folder, not a manifest file/,
    location: "shop",
    setup: (cwd) => mkdirSync(join(cwd, "shop")),
  },
  {
    name: "--manifest naming a folder (generate)",
    argv: ["generate", "--manifest", "shop"],
    code: "E_MANIFEST_FILE",
    says: /shop is a folder/,
    location: "shop",
    setup: (cwd) => mkdirSync(join(cwd, "shop")),
  },
  { name: "--manifest /dev/zero", argv: ["check", "--manifest", "/dev/zero"], code: "E_MANIFEST_FILE", says: /not a regular file/ },
  {
    name: "a manifest over 1 MiB",
    argv: ["check"],
    code: "E_MANIFEST_FILE",
    says: /at most 1048576 \(1 MiB\)/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), `apiVersion: fastdapr/v1\nname: big\n${"# padding\n".repeat(110_000)}`),
  },
  {
    name: "a C1 control character in a description",
    argv: ["check"],
    code: "E_MANIFEST_VALUE",
    says: /control characters other than line breaks and tabs/,
    location: "fastdapr.yaml:4:33",
    setup: manifest('  orders.created: {description: "next\\u0085line"}'),
  },
  {
    name: "a lone surrogate in a description",
    argv: ["generate"],
    code: "E_MANIFEST_VALUE",
    says: /lone surrogate/,
    location: "fastdapr.yaml:4:33",
    setup: manifest('  orders.created: {description: "half \\ud800 a pair"}'),
  },
  {
    name: "a payload property name with a line break",
    argv: ["generate"],
    code: "E_MANIFEST_KEY",
    says: /a property name is one line/,
    setup: manifest('  orders.created: {schema: {type: object, properties: {"user\\nid": {type: string}}}}'),
  },
  {
    name: "a control character in a system prompt",
    argv: ["generate"],
    code: "E_MANIFEST_VALUE",
    says: /control characters/,
    setup: manifest("  orders.created: {}", '    agent: {systemPrompt: "You are\\u0007 kind."}'),
  },
  {
    name: "a YAML alias bomb",
    argv: ["check"],
    code: "E_MANIFEST_SYNTAX",
    says: /aliases \(\*name\) expand too far/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), `${BOMB}\n`),
  },
];

for (const c of CASES) {
  test(`bad input is exit 2 with the value and the fix, nothing written: ${c.name}`, async () => {
    const cwd = workdir();
    c.setup?.(cwd);
    const before = readdirSync(cwd, { recursive: true }).sort();
    const json = await runCli([...c.argv, "--json"], cwd);
    assert.equal(json.code, 2, json.stdout);
    const { error } = JSON.parse(json.stdout);
    assert.equal(error.code, c.code);
    assert.match(error.message, c.says);
    if (c.location) assert.equal(error.location, c.location);
    assert.ok(error.hint.length > 0);
    const human = await runCli(c.argv, cwd);
    assert.equal(human.code, 2);
    assert.doesNotMatch(human.stderr, /fastdapr bug/);
    assert.deepEqual(readdirSync(cwd, { recursive: true }).sort(), before, "nothing written");
  });
}

const PLATFORM =
  "apiVersion: fastdapr/v1\nname: shop\ntopics:\n  orders.created: {}\nservices:\n  orders-service: {port: 8001, publishes: [orders.created]}\n  stock-service: {port: 8002, subscribes: [orders.created]}\n";

async function shop(): Promise<string> {
  const root = workdir();
  writeFileSync(join(root, "fastdapr.yaml"), PLATFORM);
  assert.equal((await runCli(["generate"], root)).code, 0);
  return root;
}

test("inside a platform's subfolder, commands find fastdapr.yaml in the folders above (as git does)", async () => {
  const root = await shop();
  const deep = join(root, "services/stock-service/app");
  const check = await runCli(["check"], deep);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /^\.\.\/\.\.\/\.\.\/fastdapr\.yaml: 2 services, 1 topics/m);
  const generate = JSON.parse((await runCli(["generate", "--json"], deep)).stdout);
  assert.deepEqual([generate.ok, generate.root, generate.created], [true, "../../..", 0]);
  assert.equal(JSON.parse((await runCli(["graph", "--format", "json", "--json"], deep)).stdout).graph.services.length, 2);
  const added = JSON.parse((await runCli(["add", "service", "mail-service", "--subscribe", "orders.created", "--json"], deep)).stdout);
  assert.equal(added.ok, true, JSON.stringify(added));
  assert.ok(readdirSync(join(root, "services")).includes("mail-service"), "written beside the manifest, not in the subfolder");
  // --manifest is still taken as given
  const given = JSON.parse((await runCli(["check", "--manifest", "fastdapr.yaml", "--json"], deep)).stdout);
  assert.deepEqual([given.error.code, given.error.location], ["E_MANIFEST_NOT_FOUND", "fastdapr.yaml"]);
});

test("outside any platform, the error says nothing was found here or above", async () => {
  const run = JSON.parse((await runCli(["generate", "--json"], workdir())).stdout);
  assert.equal(run.error.code, "E_MANIFEST_NOT_FOUND");
  assert.match(run.error.message, /no fastdapr\.yaml in this folder or any folder above it/);
});

test("fastdapr new inside a platform says the manifest does not know the service, and writes nothing", async () => {
  const root = await shop();
  const services = join(root, "services");
  const before = readdirSync(services);
  const unknown = await runCli(["new", "mail-service"], services);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error: this folder belongs to the platform of \.\.\/fastdapr\.yaml, which does not know a service "mail-service"/m);
  assert.match(unknown.stderr, /^hint: add it to the platform: fastdapr add service mail-service/m);
  const known = JSON.parse((await runCli(["new", "stock-service", "--json"], root)).stdout);
  assert.equal(known.error.code, "E_INSIDE_PLATFORM");
  assert.match(known.error.message, /stock-service is a service of the platform in fastdapr\.yaml/);
  assert.deepEqual(readdirSync(services), before);
});

const manifestWith = (service: string, topics = "  orders.created: {}\n") =>
  `apiVersion: fastdapr/v1\nname: shop\ntopics:\n${topics}services:\n  orders-service:\n    port: 8001\n    publishes: [orders.created]\n${service}`;

const LIMITS: Case[] = [
  {
    name: "a state-key placeholder that is a Python keyword (flag)",
    argv: ["new", "x-service", "--state-key", "a:{import}"],
    code: "E_STATE_KEY",
    says: /placeholder \{import\} in "a:\{import\}" is a Python keyword/,
    location: "--state-key",
  },
  {
    name: "{class} in a manifest",
    argv: ["generate"],
    code: "E_STATE_KEY",
    says: /\{class\}/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith("    state: ['user:{class}']\n")),
  },
  {
    name: "{def} through add state",
    argv: ["add", "state", "orders-service", "--key", "a:{def}"],
    code: "E_STATE_KEY",
    says: /\{def\}/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith("")),
  },
  { name: "a placeholder twice", argv: ["new", "x-service", "--state-key", "a:{id}:{id}"], code: "E_STATE_KEY", says: /\{id\} appears twice/ },
  { name: "a state key over 128 characters", argv: ["new", "x-service", "--state-key", `k${"a".repeat(130)}`], code: "E_STATE_KEY", says: /131 characters; at most 128/ },
  {
    name: "an agent model with a newline (flag)",
    argv: ["new", "x-service", "--agent-model", "gpt-4o\nimport os"],
    code: "E_AGENT_SETTING",
    says: /no spaces or line breaks/,
    location: "--agent-model",
  },
  {
    name: "an agent model with a newline (add agent)",
    argv: ["add", "agent", "orders-service", "--model", "gpt\nx"],
    code: "E_AGENT_SETTING",
    says: /no spaces or line breaks/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith("")),
  },
  {
    name: "an agent model with a newline (manifest)",
    argv: ["check"],
    code: "E_MANIFEST_VALUE",
    says: /agent\.model: a model name is letters/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith('    agent: {model: "gpt\\nx"}\n')),
  },
  {
    name: "a topic part starting with a digit (flag)",
    argv: ["new", "x-service", "--subscribe", "2fa.request"],
    code: "E_TOPIC",
    says: /each starting with a letter/,
    location: "--subscribe",
  },
  {
    name: "a 300-character topic (flag)",
    argv: ["new", "x-service", "--subscribe", `orders.${"a".repeat(293)}`],
    code: "E_TOPIC",
    says: /is 300 characters; at most 100 fit/,
    location: "--subscribe",
  },
  {
    name: "a 300-character topic (manifest)",
    argv: ["generate"],
    code: "E_MANIFEST_KEY",
    says: /at most 100 characters/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith("", `  orders.${"a".repeat(293)}: {}\n  orders.created: {}\n`)),
  },
  {
    name: "a 600-character service description",
    argv: ["check"],
    code: "E_MANIFEST_VALUE",
    says: /description: at most 500 characters/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith(`    description: "${"x".repeat(600)}"\n`)),
  },
  {
    name: "a control character in a topic description",
    argv: ["check"],
    code: "E_MANIFEST_VALUE",
    says: /control characters/,
    setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), manifestWith("", '  orders.created: {description: "bell \\u0007"}\n')),
  },
];

for (const c of LIMITS) {
  test(`limits are checked before anything is rendered: ${c.name}`, async () => {
    const cwd = workdir();
    c.setup?.(cwd);
    const before = readdirSync(cwd, { recursive: true }).sort();
    const run = await runCli([...c.argv, "--json"], cwd);
    assert.equal(run.code, 2, run.stdout);
    const { error } = JSON.parse(run.stdout);
    assert.equal(error.code, c.code, run.stdout);
    assert.match(error.message, c.says);
    if (c.location) assert.equal(error.location, c.location);
    assert.deepEqual(readdirSync(cwd, { recursive: true }).sort(), before, "nothing written");
  });
}

const THREE_WRONG = "apiVersion: fastdapr/v1\nname: shop\nservices:\n  a-service: {port: 80}\n  b-service: {port: 8002, tier: huge}\n  c-service: {prot: 8003, port: 8004}\n";

test("every manifest problem is shown, with and without --json, not only the first", async () => {
  const cwd = workdir();
  writeFileSync(join(cwd, "fastdapr.yaml"), THREE_WRONG);
  for (const argv of [["check"], ["generate"]]) {
    const json = await runCli([...argv, "--json"], cwd);
    assert.equal(json.code, 2);
    const body = JSON.parse(json.stdout);
    assert.match(body.error.message, /\(and 2 more problems\)$/);
    assert.deepEqual(
      body.problems.map((p: { location: string }) => p.location.replace(/:\d+$/, "")),
      ["fastdapr.yaml:4", "fastdapr.yaml:5", "fastdapr.yaml:6"],
    );
    assert.equal(body.problems[2].hint, 'did you mean "port"?');
    const human = await runCli(argv, cwd);
    assert.equal(human.stderr.match(/^error: /gm)?.length, 3, human.stderr);
    assert.match(human.stderr, /^error: services\.c-service\.prot: unknown field "prot".*\nhint: did you mean "port"\?$/m);
  }
});

test("a misspelt invokes target gets a did-you-mean, in the manifest and in add invoke", async () => {
  const cwd = workdir();
  writeFileSync(join(cwd, "fastdapr.yaml"), PLATFORM.replace("{port: 8001, publishes: [orders.created]}", "{port: 8001, publishes: [orders.created], invokes: [stock-servce]}"));
  const check = JSON.parse((await runCli(["check", "--json"], cwd)).stdout);
  assert.equal(check.error.code, "E_INVOKE_TARGET");
  assert.match(check.error.hint, /^did you mean "stock-service"\? invoke one of: /);
  writeFileSync(join(cwd, "fastdapr.yaml"), PLATFORM);
  const add = JSON.parse((await runCli(["add", "invoke", "orders-service", "--target", "stok-service", "--json"], cwd)).stdout);
  assert.match(add.error.hint, /^did you mean "stock-service"\? invoke one of: /);
});

test("a state key whose first part starts with a digit gets a valid Python builder name", async () => {
  const cwd = workdir();
  const run = await runCli(["new", "x-service", "--state-key", "2fa:{user_id}", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout);
  assert.match(readFileSync(join(cwd, "x-service/app/models/keys.py"), "utf8"), /^def key_2fa_key\(user_id: str\) -> str:$/m);
});

test('a description with """, backslashes, braces, quotes, a newline and <% is not an error: it is escaped', async () => {
  const cwd = workdir();
  const text = 'ends """ here \\N{x} {braces} "quoted" – <% it %>\n# second line';
  writeFileSync(
    join(cwd, "fastdapr.yaml"),
    `${PLATFORM.replace("orders.created: {}", `orders.created: {description: ${JSON.stringify(text)}}`)}description: ${JSON.stringify(text)}\n`,
  );
  const run = await runCli(["generate", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout);
  // the generated Python parses (the compile-and-lint fuzzing is test/generated/free-text.test.ts)
  for (const path of [
    "services/orders-service/app/models/schemas.py",
    "services/orders-service/app/services/publisher.py",
    "services/stock-service/app/handlers/orders_created.py",
  ]) {
    const check = spawnSync("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", join(cwd, path)], { encoding: "utf8" });
    assert.equal(check.status, 0, `${path}: ${check.stderr}`);
  }
  assert.match(readFileSync(join(cwd, "README.md"), "utf8"), /\n\nends """ here \\\\N\{x\} \{braces\} "quoted" – \\<% it %\\>\n\\# second line\n\n/);
});
