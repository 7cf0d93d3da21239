// Hostile and mistaken input is a user error (exit 2, a message naming the value and the fix,
// nothing written), never "a fastdapr bug" (exit 70).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

const BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcde"[i]}`).join(", ")}]`)].join("\n");

const CASES: Case[] = [
  { name: "--out naming a regular file", argv: ["new", "x-service", "--out", "notes.txt"], code: "E_BAD_PATH", says: /"notes\.txt" is not a folder/, location: "--out", setup: (cwd) => writeFileSync(join(cwd, "notes.txt"), "mine\n") },
  { name: "init into a regular file", argv: ["init", "notes.txt/platform"], code: "E_BAD_PATH", says: /notes\.txt is a file/, location: "[DIR]", setup: (cwd) => writeFileSync(join(cwd, "notes.txt"), "mine\n") },
  { name: "--manifest naming a folder (check)", argv: ["check", "--manifest", "shop"], code: "E_MANIFEST_FILE", says: /shop is a folder, not a manifest file/, location: "shop", setup: (cwd) => mkdirSync(join(cwd, "shop")) },
  { name: "--manifest naming a folder (generate)", argv: ["generate", "--manifest", "shop"], code: "E_MANIFEST_FILE", says: /shop is a folder/, location: "shop", setup: (cwd) => mkdirSync(join(cwd, "shop")) },
  { name: "--manifest /dev/zero", argv: ["check", "--manifest", "/dev/zero"], code: "E_MANIFEST_FILE", says: /not a regular file/ },
  { name: "a manifest over 1 MiB", argv: ["check"], code: "E_MANIFEST_FILE", says: /at most 1048576 \(1 MiB\)/, setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), `apiVersion: fastdapr/v1\nname: big\n${"# padding\n".repeat(110_000)}`) },
  { name: "a YAML alias bomb", argv: ["check"], code: "E_MANIFEST_SYNTAX", says: /aliases \(\*name\) expand too far/, setup: (cwd) => writeFileSync(join(cwd, "fastdapr.yaml"), `${BOMB}\n`) },
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

const PLATFORM = "apiVersion: fastdapr/v1\nname: shop\ntopics:\n  orders.created: {}\nservices:\n  orders-service: {port: 8001, publishes: [orders.created]}\n  stock-service: {port: 8002, subscribes: [orders.created]}\n";

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
