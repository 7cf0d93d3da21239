// Crash safety of a commit: a real fastdapr process is killed (SIGKILL, which it cannot catch) or
// interrupted (SIGINT) after N moves of a commit; the next run rolls the half-done commit back, or
// finishes it when the lock file was already in place. Read-only commands refuse to look at a
// half-written folder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePlatform } from "../../src/commands/platform.js";
import { runCli, spawnSourceCli, spawnSourceCliAsync } from "../support/cli.js";
import { fullSnapshot, type EntryState } from "../support/fs-snapshot.js";

// before: three services; after: mail-service removed, billing-service added (new folders), a tier changed
const before = `apiVersion: fastdapr/v1
name: shop
topics:
  orders.created: {}
  orders.shipped: {}
services:
  orders-service:
    port: 8001
    publishes: [ orders.created ]
  stock-service:
    tier: lightweight
    port: 8002
    subscribes: [ orders.created ]
    publishes: [ orders.shipped ]
  mail-service:
    tier: agent
    port: 8003
    subscribes: [ orders.shipped ]
`;
const after = `${before.split("  mail-service:")[0]!.replace("tier: lightweight", "tier: standard")}  billing-service:
    port: 8004
    subscribes: [ orders.shipped ]
`;

async function platform(...manifests: string[]): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "fastdapr-crash-"));
  for (const text of manifests) {
    writeFileSync(join(root, "fastdapr.yaml"), text);
    await generatePlatform({ cwd: root });
  }
  return root;
}

/** Files with content, inode and mtime; folders by name only (moving files in and out touches them). */
function state(root: string): Map<string, Partial<EntryState>> {
  return new Map([...fullSnapshot(root)].map(([path, e]) => [path, e.kind === "dir" ? { kind: "dir" } : e]));
}

const contents = (root: string) => new Map([...fullSnapshot(root)].map(([path, e]) => [path, e.kind === "dir" ? "dir" : e.content]));

/** The number of moves the before → after commit makes (each file, then the lock). */
async function movesOfCommit(): Promise<number> {
  const root = await platform(before);
  writeFileSync(join(root, "fastdapr.yaml"), after);
  const { counts } = await generatePlatform({ cwd: root, dryRun: true });
  return counts.created + counts.updated + counts.deleted + 1;
}

const expected = platform(before, after).then(contents);
const moves = movesOfCommit();

for (const at of ["the first move", "half way", "the last file, before the lock"] as const) {
  test(`SIGKILL at ${at}: read-only commands refuse, the next generate rolls the commit back`, async () => {
    const total = await moves;
    const killAt = at === "the first move" ? 1 : at === "half way" ? Math.floor(total / 2) : total - 1;
    const root = await platform(before);
    const previous = state(root);
    writeFileSync(join(root, "fastdapr.yaml"), after);
    const manifestState = state(root).get("fastdapr.yaml");

    const killed = spawnSourceCli(["generate", "--json"], root, { FASTDAPR_KILL_AFTER: String(killAt) });
    assert.equal(killed.signal, "SIGKILL", killed.stdout + killed.stderr);
    const half = state(root);
    assert.notDeepEqual(half, new Map([...previous, ["fastdapr.yaml", manifestState!]]), "the kill left the folder half-written");
    assert.ok(
      readdirSync(join(root, ".fastdapr")).some((n) => n.startsWith("txn-")),
      "with its journal",
    );

    for (const argv of [
      ["generate", "--check", "--json"],
      ["generate", "--dry-run", "--json"],
      ["check", "--json"],
    ]) {
      const refused = await runCli(argv, root);
      assert.equal(refused.code, 1, argv.join(" "));
      assert.equal(JSON.parse(refused.stdout).error.code, "E_INTERRUPTED_COMMIT", argv.join(" "));
    }
    // the killed run's lock is debris every run clears (its process is gone); nothing else changed
    assert.ok(half.has(".fastdapr/run.lock"), "the kill left its run lock");
    half.delete(".fastdapr/run.lock");
    assert.deepEqual(state(root), half, "read-only commands wrote nothing but cleared the dead run's lock");

    // with the old manifest back, the rollback alone must give exactly the old tree
    writeFileSync(join(root, "fastdapr.yaml"), before);
    const recovery = await runCli(["generate", "--json"], root);
    assert.equal(recovery.code, 0, recovery.stdout);
    const answer = JSON.parse(recovery.stdout);
    assert.equal(answer.recovered, "rolled back");
    assert.deepEqual([answer.created, answer.updated, answer.deleted], [0, 0, undefined], "nothing left to do after the rollback");
    const restored = state(root);
    restored.delete("fastdapr.yaml");
    previous.delete("fastdapr.yaml");
    assert.deepEqual(restored, previous, "every file back, byte for byte, same inode and mtime; no journal, no run lock");

    writeFileSync(join(root, "fastdapr.yaml"), after);
    assert.equal((await runCli(["generate"], root)).code, 0);
    assert.deepEqual(contents(root), await expected, "and the commit then lands as if nothing had happened");
  });
}

test("SIGKILL in the middle of the rollback itself: the run after it finishes the rollback", async () => {
  const total = await moves;
  const root = await platform(before);
  const previous = state(root);
  writeFileSync(join(root, "fastdapr.yaml"), after);
  assert.equal(spawnSourceCli(["generate"], root, { FASTDAPR_KILL_AFTER: String(total - 1) }).signal, "SIGKILL");
  writeFileSync(join(root, "fastdapr.yaml"), before);
  // nearly all moves undone: the undone updates must not be undone twice (their originals would go)
  const undoKilled = spawnSourceCli(["generate"], root, { FASTDAPR_KILL_UNDO_AFTER: String(total - 2) });
  assert.equal(undoKilled.signal, "SIGKILL", undoKilled.stderr);
  const recovery = JSON.parse((await runCli(["generate", "--json"], root)).stdout);
  assert.equal(recovery.recovered, "rolled back");
  assert.deepEqual([recovery.created, recovery.updated], [0, 0]);
  previous.delete("fastdapr.yaml");
  const restored = state(root);
  restored.delete("fastdapr.yaml");
  assert.deepEqual(restored, previous);
});

test("SIGKILL after the lock moved: the next run finishes the commit instead of undoing it", async () => {
  const total = await moves;
  const root = await platform(before);
  writeFileSync(join(root, "fastdapr.yaml"), after);
  const killed = spawnSourceCli(["generate", "--json"], root, { FASTDAPR_KILL_AFTER: String(total) });
  assert.equal(killed.signal, "SIGKILL");
  const human = await runCli(["generate"], root);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stderr, /^note: an earlier fastdapr run was stopped while writing files; its changes were completed first$/m);
  assert.match(human.stdout, /0 created, 0 updated/);
  assert.deepEqual(contents(root), await expected);
  assert.equal(existsSync(join(root, "deploy/base/mail-service")), false, "folders the deletes emptied are gone");
});

test("SIGINT mid-commit: the process itself rolls back and exits 1 with E_INTERRUPTED", async () => {
  const root = await platform(before);
  writeFileSync(join(root, "fastdapr.yaml"), after);
  const previous = state(root);
  const interrupted = spawnSourceCli(["generate", "--json"], root, { FASTDAPR_KILL_AFTER: "3", FASTDAPR_KILL_SIGNAL: "SIGINT" });
  assert.equal(interrupted.signal, null);
  assert.equal(interrupted.code, 1, interrupted.stdout + interrupted.stderr);
  assert.equal(JSON.parse(interrupted.stdout).error.code, "E_INTERRUPTED");
  assert.deepEqual(state(root), previous, "the tree and the lock as they were; no journal, no run lock");
});

test("a second run while the first is suspended mid-commit is refused (E_BUSY), and the first then completes", async () => {
  const root = await platform(before);
  writeFileSync(join(root, "fastdapr.yaml"), after);
  const first = spawnSourceCliAsync(["generate", "--json"], root, { FASTDAPR_KILL_AFTER: "5", FASTDAPR_KILL_SIGNAL: "SIGSTOP" });
  await first.stopped;
  const second = await runCli(["generate", "--json"], root);
  assert.equal(second.code, 3, second.stdout);
  assert.equal(JSON.parse(second.stdout).error.code, "E_BUSY");
  const check = await runCli(["generate", "--check", "--json"], root);
  assert.equal(JSON.parse(check.stdout).error.code, "E_INTERRUPTED_COMMIT", "a check does not read a folder being written");
  first.child.kill("SIGCONT");
  const done = await first.exit;
  assert.equal(done.code, 0, done.stdout);
  assert.deepEqual(contents(root), await expected, "the first run's commit, whole, and nothing of the second");
});
