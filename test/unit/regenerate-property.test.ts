// Property: whatever manifests and edits a user throws at it, regenerating is safe. fast-check drives
// a model of a user (the manifest they write, the files they edit or delete, the `add` commands they
// run) against a real folder, and after every generate checks what docs/regeneration.md promises:
// nothing outside the root changes, no file fastdapr does not own changes, the lock matches the
// disk, an edited generated file stops the run before any write, and a second generate does nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { editPlatform, generatePlatform, type PlatformResult } from "../../src/commands/platform.js";
import { ConflictError } from "../../src/generate/apply.js";
import { addPubsub } from "../../src/manifest/edit.js";
import { MANIFEST_FILE, parseManifest } from "../../src/manifest/load.js";
import { snakeCase } from "../../src/model/names.js";
import { TIERS, type Tier } from "../../src/model/service.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { LOCK_FILE, STATE_DIR, readLock, sha256 } from "../../src/tree/lock.js";
import { fullSnapshot, type EntryState } from "../support/fs-snapshot.js";

const NAMES = ["orders-service", "stock-service", "mail-service"] as const;
const TOPICS = ["orders.created", "orders.shipped", "stock.low-level"] as const;
const KEYS = ["order:{order_id}", "stock:{sku}"] as const;
type Name = (typeof NAMES)[number];

interface Service {
  tier: Tier;
  agent: boolean | undefined; // undefined: the tier decides
  subscribes: Set<string>;
  publishes: Set<string>;
  state: Set<string>;
  invokes: Set<Name>;
}

/** What the user has done: the manifest they mean, and the files they touched by hand. */
interface Model {
  services: Map<Name, Service>;
  schemas: Set<string>; // topics declared with a payload schema
  /** Scaffolded files (the manifest included) as the user last left them. */
  userFiles: Map<string, string>;
  /** Generated files the user edited by hand, still on disk. */
  editedGenerated: Set<string>;
  edits: number;
  /** Files the user created that fastdapr never wrote (notes, their own modules). */
  ownFiles: Map<string, string>;
}

interface Real {
  parent: string;
  root: string;
}

// --- the manifest the model means, written as the user would (a structured YAML document) ---------

const sorted = <T extends string>(set: Set<T>): T[] => [...set].sort();

function manifestOf(model: Model): string {
  const payload = { type: "object", required: ["id"], properties: { id: { type: "string" } } };
  const topics = Object.fromEntries(TOPICS.map((t) => [t, model.schemas.has(t) ? { schema: payload } : {}]));
  const services = Object.fromEntries(
    NAMES.filter((n) => model.services.has(n)).map((name) => {
      const s = model.services.get(name)!;
      return [
        name,
        {
          tier: s.tier,
          port: 8001 + NAMES.indexOf(name),
          ...(s.subscribes.size ? { subscribes: sorted(s.subscribes) } : {}),
          ...(s.publishes.size ? { publishes: sorted(s.publishes) } : {}),
          ...(s.state.size ? { state: sorted(s.state) } : {}),
          ...(s.invokes.size ? { invokes: sorted(s.invokes) } : {}),
          ...(s.agent === undefined ? {} : { agent: s.agent }),
        },
      ];
    }),
  );
  return stringify({ apiVersion: "fastdapr/v1", name: "shop", topics, services });
}

function writeManifest(model: Model, real: Real): void {
  const text = manifestOf(model);
  writeFileSync(join(real.root, MANIFEST_FILE), text);
  model.userFiles.set(MANIFEST_FILE, text);
}

// --- the checks after every generate --------------------------------------------------------------

const isFile = (e: EntryState | undefined) => e?.kind === "file";

function assertLockMatchesDisk(root: string, disk: Map<string, EntryState>, ownFiles: Map<string, string>): void {
  const lock = readLock(root);
  assert.ok(lock, "a lock file after generate");
  for (const [path, entry] of Object.entries(lock.files)) {
    const file = disk.get(path);
    assert.ok(isFile(file), `${path} is in the lock but not on disk`);
    if (entry.owner === "generated") assert.equal(sha256(file!.content!), entry.sha256, `${path}: lock hash differs from the disk`);
  }
  for (const [path, state] of disk) {
    if (path === STATE_DIR || path === LOCK_FILE) continue;
    assert.ok(!path.startsWith(`${STATE_DIR}/`), `${path} left behind in ${STATE_DIR}/`);
    if (state.kind !== "file") continue;
    if (ownFiles.has(path)) assert.equal(lock.files[path], undefined, `the user's own ${path} is not fastdapr's`);
    else assert.ok(lock.files[path], `${path} is on disk but not in the lock`);
  }
}

function assertModelOnDisk(model: Model, root: string, disk: Map<string, EntryState>): void {
  const lock = readLock(root)!;
  for (const name of NAMES) {
    const service = model.services.get(name);
    if (service) {
      assert.ok(isFile(disk.get(`services/${name}/app/main.py`)), `${name} is generated`);
      for (const topic of service.subscribes) {
        assert.ok(isFile(disk.get(`services/${name}/app/handlers/${snakeCase(topic)}.py`)), `${name} handles ${topic}`);
      }
    } else {
      // a removed service: only the user's (scaffolded) files may stay
      for (const [path, state] of disk) {
        if (state.kind !== "file" || model.ownFiles.has(path)) continue;
        if (path.startsWith(`services/${name}/`)) assert.equal(lock.files[path]?.owner, "scaffolded", `${path} outlived its service`);
        assert.ok(!path.startsWith(`deploy/base/${name}/`), `${path} outlived its service`);
      }
    }
  }
  for (const [path, content] of [...model.userFiles, ...model.ownFiles]) {
    assert.equal(disk.get(path)?.content, content, `the user's ${path} was changed`);
  }
}

/**
 * Runs one generate (`run`) as the user would, and checks every promise. When the user edited
 * generated files, the run must refuse with exactly those files and write nothing; then the user
 * overwrites them with --force.
 */
async function generateAndCheck(model: Model, real: Real, run: (force: boolean) => Promise<PlatformResult>, rewritesManifest = false): Promise<PlatformResult> {
  const outside = fullSnapshot(real.parent, { skip: real.root });
  const before = fullSnapshot(real.root);
  const lockBefore = readLock(real.root);
  const edited = sorted(model.editedGenerated);
  let result: PlatformResult;
  if (edited.length > 0) {
    await assert.rejects(run(false), (error: unknown) => {
      assert.ok(error instanceof ConflictError, String(error));
      assert.deepEqual(error.conflicts.map((c) => c.path).sort(), edited, "exactly the edited generated files conflict");
      return true;
    });
    assert.deepEqual(fullSnapshot(real.root), before, "a refused run writes nothing");
    result = await run(true);
    model.editedGenerated.clear();
  } else {
    result = await run(false);
  }

  assert.deepEqual(fullSnapshot(real.parent, { skip: real.root }), outside, "nothing outside the root changed");
  const after = fullSnapshot(real.root);
  for (const [path, state] of before) {
    if (state.kind !== "file" || path.startsWith(`${STATE_DIR}/`) || lockBefore?.files[path]?.owner === "generated") continue;
    if (rewritesManifest && path === MANIFEST_FILE) continue;
    assert.deepEqual(after.get(path), state, `${path} is not fastdapr's to change, and changed`);
  }
  for (const entry of result.plan.entries.filter((e) => e.action === "delete")) {
    const folder = dirname(entry.path);
    if (folder !== ".") assert.ok(!after.has(folder) || [...after.keys()].some((p) => p.startsWith(`${folder}/`)), `${folder}/ left empty`);
  }
  assertLockMatchesDisk(real.root, after, model.ownFiles);
  assertModelOnDisk(model, real.root, after);

  // regenerating is idempotent: nothing planned, not one byte, inode or mtime touched anywhere
  const settled = fullSnapshot(real.parent);
  const again = await generatePlatform({ cwd: real.root });
  assert.deepEqual(
    [again.counts.created, again.counts.updated, again.counts.deleted, again.counts.conflicts, again.committed],
    [0, 0, 0, 0, false],
    "a second generate plans nothing",
  );
  assert.deepEqual(fullSnapshot(real.parent), settled, "a second generate touches nothing");
  return result;
}

// --- commands ------------------------------------------------------------------------------------

class Step implements fc.AsyncCommand<Model, Real> {
  private detail = "";
  constructor(
    private readonly label: string,
    private readonly can: (m: Model) => boolean,
    private readonly act: (m: Model, r: Real) => Promise<string | void> | string | void,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.can(m as Model);
  }
  async run(m: Model, r: Real): Promise<void> {
    this.detail = ""; // instances are reused while shrinking: show this run's detail only
    this.detail = (await this.act(m, r)) ?? "";
  }
  toString(): string {
    return this.detail ? `${this.label} → ${this.detail}` : this.label;
  }
}

const name = fc.constantFrom(...NAMES);
const topic = fc.constantFrom(...TOPICS);
const tier = fc.constantFrom(...TIERS);

function toggle<T>(set: Set<T>, value: T): void {
  if (set.has(value)) set.delete(value);
  else set.add(value);
}

/** A manifest edit of one existing service, saved to fastdapr.yaml by the user. */
function editService(label: string, svc: Name, change: (s: Service, m: Model) => void): Step {
  return new Step(
    `${label}(${svc})`,
    (m) => m.services.has(svc),
    (m, r) => {
      change(m.services.get(svc)!, m);
      writeManifest(m, r);
    },
  );
}

/** A file of the given owner fastdapr wrote and that is still on disk, picked by index. */
function pickFile(r: Real, owner: "generated" | "scaffolded", index: number): string | undefined {
  const files = Object.entries(readLock(r.root)?.files ?? {})
    .filter(([path, e]) => e.owner === owner && path !== MANIFEST_FILE)
    .map(([path]) => path)
    .filter((path) => {
      try {
        readFileSync(join(r.root, path));
        return true;
      } catch {
        return false;
      }
    })
    .sort();
  return files.length ? files[index % files.length] : undefined;
}

const generateStep = fc.constant(null).map(
  () =>
    new Step(
      "generate",
      () => true,
      async (m, r) => {
        const result = await generateAndCheck(m, r, (force) => generatePlatform({ cwd: r.root, force }));
        return summary(result);
      },
    ),
);

/** Files by content, inode and mtime, folders by name: what a rolled-back commit must leave as it was. */
function filesAndFolders(root: string): Map<string, Partial<EntryState>> {
  return new Map([...fullSnapshot(root)].map(([path, e]) => [path, e.kind === "dir" ? { kind: "dir" } : e]));
}

/** A generate whose commit fails after `moves` moves: whatever the state, it changes nothing. */
const failingGenerateStep = fc.integer({ min: 1, max: 60 }).map(
  (moves) =>
    new Step(
      `generate failing after ${moves} moves`,
      () => true,
      async (_m, r) => {
        const outside = fullSnapshot(r.parent, { skip: r.root });
        const before = filesAndFolders(r.root);
        process.env.FASTDAPR_FAIL_AFTER = String(moves);
        try {
          await generatePlatform({ cwd: r.root });
          return "fewer moves: committed"; // the next generate checks everything
        } catch (error) {
          assert.ok(error instanceof ConflictError || /simulated failure/.test(String(error)), String(error));
          assert.deepEqual(filesAndFolders(r.root), before, "a failed commit leaves every file as it was");
          return error instanceof ConflictError ? "conflict" : "failed, rolled back";
        } finally {
          delete process.env.FASTDAPR_FAIL_AFTER;
          assert.deepEqual(fullSnapshot(r.parent, { skip: r.root }), outside, "nothing outside the root changed");
        }
      },
    ),
);

const commands = [
  fc.tuple(name, tier).map(
    ([svc, t]) =>
      new Step(
        `addService(${svc}, ${t})`,
        (m) => !m.services.has(svc),
        (m, r) => {
          m.services.set(svc, { tier: t, agent: undefined, subscribes: new Set(), publishes: new Set(), state: new Set(), invokes: new Set() });
          writeManifest(m, r);
        },
      ),
  ),
  name.map(
    (svc) =>
      new Step(
        `removeService(${svc})`,
        (m) => m.services.has(svc),
        (m, r) => {
          m.services.delete(svc);
          for (const other of m.services.values()) other.invokes.delete(svc); // else the manifest is invalid
          writeManifest(m, r);
        },
      ),
  ),
  fc.tuple(name, tier).map(([svc, t]) => editService(`tier=${t}`, svc, (s) => (s.tier = t))),
  fc.tuple(name, fc.constantFrom(true, false, undefined)).map(([svc, a]) => editService(`agent=${String(a)}`, svc, (s) => (s.agent = a))),
  fc.tuple(name, topic).map(([svc, t]) => editService(`toggleSubscribe ${t}`, svc, (s) => toggle(s.subscribes, t))),
  fc.tuple(name, topic).map(([svc, t]) => editService(`togglePublish ${t}`, svc, (s) => toggle(s.publishes, t))),
  fc.tuple(name, fc.constantFrom(...KEYS)).map(([svc, k]) => editService(`toggleState ${k}`, svc, (s) => toggle(s.state, k))),
  fc.tuple(name, name).map(
    ([svc, target]) =>
      new Step(
        `toggleInvoke(${svc} → ${target})`,
        (m) => svc !== target && m.services.has(svc) && m.services.has(target),
        (m, r) => {
          toggle(m.services.get(svc)!.invokes, target);
          writeManifest(m, r);
        },
      ),
  ),
  topic.map(
    (t) =>
      new Step(
        `toggleSchema(${t})`,
        () => true,
        (m, r) => {
          toggle(m.schemas, t);
          writeManifest(m, r);
        },
      ),
  ),
  fc.nat().map(
    (i) =>
      new Step(
        `editScaffolded(#${i})`,
        () => true,
        (m, r) => {
          const path = pickFile(r, "scaffolded", i);
          if (!path) return "none";
          const text = `${readFileSync(join(r.root, path), "utf8")}# hand edit ${++m.edits}\n`;
          writeFileSync(join(r.root, path), text);
          m.userFiles.set(path, text);
          return path;
        },
      ),
  ),
  fc.tuple(name, fc.constantFrom("app/my_module.py", "notes/todo.md", "deploy-notes.txt")).map(
    ([svc, file]) =>
      new Step(
        `userCreates(services/${svc}/${file})`,
        () => true,
        (m, r) => {
          // in a service folder, whether the service exists or not: removing it must leave this file
          const path = `services/${svc}/${file}`;
          mkdirSync(dirname(join(r.root, path)), { recursive: true });
          const text = `mine ${++m.edits}\n`;
          writeFileSync(join(r.root, path), text);
          m.ownFiles.set(path, text);
        },
      ),
  ),
  fc.nat().map(
    (i) =>
      new Step(
        `deleteScaffolded(#${i})`,
        () => true,
        (m, r) => {
          const path = pickFile(r, "scaffolded", i);
          if (!path) return "none";
          unlinkSync(join(r.root, path));
          m.userFiles.delete(path);
          return path;
        },
      ),
  ),
  fc.nat().map(
    (i) =>
      new Step(
        `editGenerated(#${i})`,
        () => true,
        (m, r) => {
          const path = pickFile(r, "generated", i);
          if (!path) return "none";
          writeFileSync(join(r.root, path), `${readFileSync(join(r.root, path), "utf8")}# hand edit ${++m.edits}\n`);
          m.editedGenerated.add(path);
          return path;
        },
      ),
  ),
  fc.nat().map(
    (i) =>
      new Step(
        `deleteGenerated(#${i})`,
        () => true,
        (m, r) => {
          const path = pickFile(r, "generated", i);
          if (!path) return "none";
          unlinkSync(join(r.root, path));
          m.editedGenerated.delete(path); // deleted, not edited: it is simply recreated
          return path;
        },
      ),
  ),
  // twice in the list: a user regenerates about as often as they edit
  generateStep,
  generateStep,
  failingGenerateStep,
  fc.tuple(name, topic).map(
    ([svc, t]) =>
      new Step(
        `fastdapr add pubsub ${svc} --subscribe ${t}`,
        (m) => m.services.has(svc),
        async (m, r) => {
          // the command rewrites the manifest: what the user last wrote is no longer the expectation
          m.userFiles.delete(MANIFEST_FILE);
          m.services.get(svc)!.subscribes.add(t);
          const result = await generateAndCheck(m, r, (force) => editPlatform((doc) => addPubsub(doc, svc, { subscribe: [t] }), { cwd: r.root, force }), true);
          const text = readFileSync(join(r.root, MANIFEST_FILE), "utf8");
          m.userFiles.set(MANIFEST_FILE, text);
          const built = buildPlatform(parseManifest(text).manifest).services.find((s) => s.appId === svc)!;
          assert.ok(
            built.subscribes.some((s) => s.name === t),
            "the manifest now subscribes",
          );
          return summary(result);
        },
      ),
  ),
];

function summary(result: PlatformResult): string {
  const c = result.counts;
  return `+${c.created} ~${c.updated} -${c.deleted} orphan ${c.orphaned}`;
}

// --- the initial manifest ------------------------------------------------------------------------

const initialModel: fc.Arbitrary<Model> = fc
  .record({
    services: fc.tuple(
      ...NAMES.map(() =>
        fc.option(
          fc.record({
            tier,
            agent: fc.constantFrom(true, false, undefined),
            subscribes: fc.subarray([...TOPICS]),
            publishes: fc.subarray([...TOPICS]),
            state: fc.subarray([...KEYS]),
            invokes: fc.subarray([...NAMES]),
          }),
          { nil: undefined },
        ),
      ),
    ),
    schemas: fc.subarray([...TOPICS]),
  })
  .map(({ services, schemas }) => {
    const present = new Set(NAMES.filter((_, i) => services[i] !== undefined));
    const model: Model = { services: new Map(), schemas: new Set(schemas), userFiles: new Map(), editedGenerated: new Set(), edits: 0, ownFiles: new Map() };
    services.forEach((s, i) => {
      if (!s) return;
      const self = NAMES[i]!;
      model.services.set(self, {
        tier: s.tier,
        agent: s.agent,
        subscribes: new Set(s.subscribes),
        publishes: new Set(s.publishes),
        state: new Set(s.state),
        invokes: new Set(s.invokes.filter((n) => n !== self && present.has(n))),
      });
    });
    // a counterexample shows the manifest it started from
    return Object.assign(model, { [fc.toStringMethod]: () => `initial manifest:\n${manifestOf(model)}` });
  });

test("property: regenerating after any manifest change and hand edit is idempotent, loses no user file and stays in the root", async () => {
  const runs = Number(process.env.FASTDAPR_PROPERTY_RUNS ?? 25);
  await fc.assert(
    fc.asyncProperty(initialModel, fc.commands(commands, { maxCommands: 10 }), async (initial, steps) => {
      const parent = mkdtempSync(join(tmpdir(), "fastdapr-property-"));
      try {
        // neighbours of the root, which nothing may touch
        writeFileSync(join(parent, "neighbour.txt"), "not fastdapr's\n");
        mkdirSync(join(parent, "neighbour-folder"));
        const real: Real = { parent, root: join(parent, "shop") };
        mkdirSync(real.root);
        const model: Model = { ...initial, services: new Map(initial.services), userFiles: new Map(), editedGenerated: new Set(), ownFiles: new Map() };
        for (const [key, s] of initial.services) {
          model.services.set(key, { ...s, subscribes: new Set(s.subscribes), publishes: new Set(s.publishes), state: new Set(s.state), invokes: new Set(s.invokes) });
        }
        model.schemas = new Set(initial.schemas);
        writeManifest(model, real);
        await generateAndCheck(model, real, (force) => generatePlatform({ cwd: real.root, force }));
        await fc.asyncModelRun(() => ({ model, real }), steps);
        // the user regenerates at last: edits made after the last generate are checked too
        await generateAndCheck(model, real, (force) => generatePlatform({ cwd: real.root, force }));
        if (process.env.FASTDAPR_PROPERTY_LOG) console.error(String(steps));
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    }),
    { numRuns: runs, includeErrorInReport: true },
  );
});
