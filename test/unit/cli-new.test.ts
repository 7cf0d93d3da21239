import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, spawnCli } from "../support/cli.js";

function workdir(): string {
  return mkdtempSync(join(tmpdir(), "fastdapr-cli-"));
}

test("new --json prints exactly one line with the counts", async () => {
  const cwd = workdir();
  const run = await runCli(["new", "triage-service", "--tier", "lightweight", "--subscribe", "learning.query", "--publish", "learning.routed", "--json"], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.stderr, "");
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 1);
  const answer = JSON.parse(lines[0]!);
  assert.equal(answer.ok, true);
  assert.equal(answer.command, "new");
  assert.equal(answer.path, "triage-service");
  assert.ok(answer.created > 20, `created ${answer.created}`);
  assert.equal(answer.updated, 0);
  assert.ok(lines[0]!.length <= 240, `${lines[0]!.length} characters`);
  assert.ok(existsSync(join(cwd, "triage-service/app/main.py")));
  assert.ok(existsSync(join(cwd, "triage-service/app/handlers/learning_query.py")));
  assert.ok(existsSync(join(cwd, "triage-service/.fastdapr/lock.json")));

  const again = await runCli(["new", "triage-service", "--tier", "lightweight", "--subscribe", "learning.query", "--publish", "learning.routed", "--json"], cwd);
  const second = JSON.parse(again.stdout);
  assert.equal(second.created, 0);
  assert.equal(second.updated, 0);
  // every file is either unchanged (generated) or kept (scaffolded: the handler, its test, routes)
  const lock = JSON.parse(readFileSync(join(cwd, "triage-service/.fastdapr/lock.json"), "utf8"));
  const scaffolded = Object.values(lock.files).filter((f) => (f as { owner: string }).owner === "scaffolded").length;
  assert.ok(scaffolded >= 3, `scaffolded ${scaffolded}`);
  assert.equal(second.unchanged, answer.created - scaffolded);
});

test("without --json: a short summary and next steps", async () => {
  const cwd = workdir();
  const run = await runCli(["new", "bare-service"], cwd);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^bare-service\/: \d+ created, 0 updated, 0 unchanged/);
  assert.match(run.stdout, /next steps:/);
  assert.ok(run.stdout.split("\n").length < 12);
});

const BAD_INPUT: { name: string; argv: string[]; location: string; says: RegExp }[] = [
  { name: "service name not a DNS label", argv: ["new", "Triage_Service"], location: "<service-name>", says: /DNS-1123/ },
  { name: "service name starting with a digit", argv: ["new", "1triage"], location: "<service-name>", says: /starts with a letter/ },
  { name: "service name too long for <app-id>-dapr", argv: ["new", "a".repeat(59)], location: "<service-name>", says: /at most 58/ },
  { name: "bad topic", argv: ["new", "x", "--subscribe", "learning"], location: "--subscribe", says: /domain\.action/ },
  { name: "bad published topic", argv: ["new", "x", "--publish", "Code.Review"], location: "--publish", says: /domain\.action/ },
  { name: "unknown tier", argv: ["new", "x", "--tier", "huge"], location: "", says: /lightweight, standard, agent/ },
  { name: "state key with ||", argv: ["new", "x", "--state-key", "a||b"], location: "--state-key", says: /\|\|/ },
  { name: "port out of range", argv: ["new", "x", "--port", "70000"], location: "--port", says: /1024 to 65535/ },
  { name: "port not a number", argv: ["new", "x", "--port", "eighty"], location: "--port", says: /not a port number/ },
  { name: "port used by the sidecar", argv: ["new", "x", "--port", "3500"], location: "--port", says: /sidecar/ },
  { name: "--out escaping the working directory", argv: ["new", "x", "--out", "../elsewhere"], location: "--out", says: /outside the working directory/ },
  { name: "absolute --out outside", argv: ["new", "x", "--out", "/tmp"], location: "--out", says: /outside the working directory/ },
  { name: "bad invoke target", argv: ["new", "x", "--invoke", "Bad.App"], location: "--invoke", says: /DNS-1123/ },
  { name: "unknown flag", argv: ["new", "x", "--bogus"], location: "", says: /unknown option/ },
  { name: "missing name", argv: ["new"], location: "", says: /missing required argument/ },
];

for (const c of BAD_INPUT) {
  test(`bad input → exit 2, a clear message, nothing written: ${c.name}`, async () => {
    const cwd = workdir();
    const human = await runCli(c.argv, cwd);
    assert.equal(human.code, 2);
    assert.match(human.stderr, c.says);
    assert.doesNotMatch(human.stderr, /\n\s+at /, "no stack trace");
    const json = await runCli([...c.argv, "--json"], cwd);
    assert.equal(json.code, 2);
    const answer = JSON.parse(json.stdout.trim());
    assert.equal(answer.ok, false);
    assert.match(answer.error.code, /^E_[A-Z_]+$/);
    assert.match(answer.error.message, c.says);
    if (c.location) assert.equal(answer.error.location, c.location);
    assert.deepEqual(readdirSync(cwd), [], "nothing on disk");
  });
}

test("a folder fastdapr did not create is refused (exit 2) unless --force, and the user's files survive", async () => {
  const cwd = workdir();
  mkdirSync(join(cwd, "mine"));
  writeFileSync(join(cwd, "mine/notes.txt"), "my notes\n");
  const run = await runCli(["new", "mine", "--json"], cwd);
  assert.equal(run.code, 2);
  assert.equal(JSON.parse(run.stdout).error.code, "E_TARGET_EXISTS");
  assert.deepEqual(readdirSync(join(cwd, "mine")), ["notes.txt"]);
  const forced = await runCli(["new", "mine", "--force", "--json"], cwd);
  assert.equal(forced.code, 0, forced.stdout);
  assert.equal(readFileSync(join(cwd, "mine/notes.txt"), "utf8"), "my notes\n");
});

test("--out through a symlink that leads outside is refused", async () => {
  const cwd = workdir();
  const outside = workdir();
  symlinkSync(outside, join(cwd, "link"));
  const run = await runCli(["new", "x", "--out", "link", "--json"], cwd);
  assert.equal(run.code, 2);
  assert.equal(JSON.parse(run.stdout).error.code, "E_UNSAFE_PATH");
  assert.deepEqual(readdirSync(outside), []);
});

test("--dry-run lists the plan and writes nothing", async () => {
  const cwd = workdir();
  const run = await runCli(["new", "x", "--dry-run"], cwd);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^create\s+app\/main\.py$/m);
  assert.match(run.stdout, /nothing was written/);
  assert.deepEqual(readdirSync(cwd), []);
});

test("the real process: errors never show a stack trace, exit codes hold", () => {
  const cwd = workdir();
  const bad = spawnCli(["new", "x", "--port", "1"], cwd);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: /);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const ok = spawnCli(["new", "x", "--json"], cwd);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).ok, true);
  const help = spawnCli(["new", "--help"], cwd);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--subscribe <topic>/);
});
