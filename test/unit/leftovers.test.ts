// What killed runs leave behind is cleared by the next run, whatever it is: a run lock of a process
// that is gone (also when its pid now belongs to another process) and staging folders without a
// journal. A run that fails while staging (a full disk) removes what it staged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePlatform } from "../../src/commands/platform.js";
import { runCli, spawnSourceCli } from "../support/cli.js";
import { fullSnapshot } from "../support/fs-snapshot.js";

const MANIFEST =
  "apiVersion: fastdapr/v1\nname: shop\ntopics:\n  orders.created: {}\nservices:\n  orders-service: {port: 8001, publishes: [orders.created]}\n  stock-service: {port: 8002, subscribes: [orders.created]}\n";

async function generated(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "fastdapr-leftovers-"));
  writeFileSync(join(root, "fastdapr.yaml"), MANIFEST);
  await generatePlatform({ cwd: root });
  return root;
}

/** The start time /proc gives this (live) process, so a lock can claim its pid with another start. */
function ownStart(): string {
  const stat = readFileSync(`/proc/${process.pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

/** Debris of killed runs: staging without a journal, and a run lock whose pid is alive but reused. */
function leaveDebris(root: string): void {
  const state = join(root, ".fastdapr");
  mkdirSync(join(state, "txn-999999999/new"), { recursive: true });
  writeFileSync(join(state, "txn-999999999/new/0"), "staged by a run killed while staging");
  mkdirSync(join(state, `txn-${process.pid}-1/old`), { recursive: true });
  // this test runner is alive, but it did not start at tick 1: the pid was reused
  writeFileSync(join(state, "run.lock"), `${process.pid}-${Number(ownStart()) - 1}`);
}

/** Files with content, inode and mtime; folders by name only (staging in .fastdapr/ touches it). */
function state(root: string): Map<string, unknown> {
  return new Map([...fullSnapshot(root)].map(([path, e]) => [path, e.kind === "dir" ? "dir" : e]));
}

/** The paths whose state differs, so a failure names them instead of printing two whole trees. */
function changed(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter(
    (p) => JSON.stringify(before.get(p), (_k, v) => (typeof v === "bigint" ? String(v) : v)) !== JSON.stringify(after.get(p), (_k, v) => (typeof v === "bigint" ? String(v) : v)),
  );
}

const debris = (root: string) => readdirSync(join(root, ".fastdapr")).filter((n) => n !== "lock.json");

for (const argv of [["check"], ["generate"], ["generate", "--dry-run"], ["generate", "--check"]]) {
  test(`fastdapr ${argv.join(" ")} clears the run lock and the staging of dead runs, even with a reused pid`, async () => {
    const root = await generated();
    leaveDebris(root);
    const run = await runCli([...argv, "--json"], root);
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(debris(root), []);
  });
}

test("a run lock whose pid was reused by a live process does not block a run (no E_BUSY)", async () => {
  const root = await generated();
  leaveDebris(root);
  writeFileSync(join(root, "fastdapr.yaml"), MANIFEST.replace("8002", "8003"));
  const run = await runCli(["generate", "--json"], root);
  assert.equal(run.code, 0, run.stdout);
  assert.equal(JSON.parse(run.stdout).updated > 0, true);
  assert.deepEqual(debris(root), []);
});

test("a run lock of a live process that really holds it is kept: E_BUSY", async () => {
  const root = await generated();
  writeFileSync(join(root, ".fastdapr/run.lock"), `${process.pid}-${ownStart()}`);
  writeFileSync(join(root, "fastdapr.yaml"), MANIFEST.replace("8002", "8003"));
  const run = await runCli(["generate", "--json"], root);
  assert.equal(run.code, 3, run.stdout);
  assert.equal(JSON.parse(run.stdout).error.code, "E_BUSY");
  assert.ok(existsSync(join(root, ".fastdapr/run.lock")));
});

test("a full disk while staging (generate): exit 2, E_DISK_FULL, the staged files are gone and nothing changed", async () => {
  const root = await generated();
  writeFileSync(join(root, "fastdapr.yaml"), MANIFEST.replace("8002", "8003"));
  const before = state(root);
  const run = spawnSourceCli(["generate", "--json"], root, { FASTDAPR_FAIL_STAGING_AFTER: "3" });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const { error } = JSON.parse(run.stdout);
  assert.equal(error.code, "E_DISK_FULL");
  assert.match(error.message, /no space left on the device; nothing was changed/);
  assert.match(error.hint, /free some disk space/);
  assert.deepEqual(changed(before, state(root)), [], "no staged file, no journal, no run lock; every file as it was");
});

test("a full disk while staging (init): exit 2, E_DISK_FULL, the new platform folder is gone", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-leftovers-"));
  const run = spawnSourceCli(["init", "learnflow", "--preset", "learnflow"], cwd, { FASTDAPR_FAIL_STAGING_AFTER: "100" });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^error: .*no space left on the device; nothing was changed/m);
  assert.match(run.stderr, /^hint: free some disk space/m);
  assert.doesNotMatch(run.stderr, /fastdapr bug/);
  assert.deepEqual(readdirSync(cwd), []);
});
