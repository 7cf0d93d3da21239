// The command line as users expect it: help where a command is missing, hints that name a real
// command, and examples in every --help.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { COMMANDS } from "../../src/app/spec.js";

const workdir = () => mkdtempSync(join(tmpdir(), "fastdapr-usage-"));

for (const argv of [[], ["add"], ["skill"]]) {
  test(`"fastdapr ${argv.join(" ")}" without its command prints the help on stderr and exits 2`, async () => {
    const cwd = workdir();
    const run = await runCli(argv, cwd);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, new RegExp(`^Usage: fastdapr${argv.length ? ` ${argv[0]}` : ""} \\[options\\] \\[command\\]`));
    assert.match(run.stderr, /^Commands:$/m);
    assert.deepEqual(readdirSync(cwd), []);
  });
}

test("a mistyped command: the hint names the command meant, never the typo", async () => {
  const top = await runCli(["nwe", "x"], workdir());
  assert.equal(top.code, 2);
  assert.match(top.stderr, /^error: unknown command 'nwe'/m);
  assert.match(top.stderr, /^hint: did you mean "fastdapr new"\? run "fastdapr --help" for the commands$/m);
  assert.doesNotMatch(top.stderr, /fastdapr nwe --help/);
  const sub = await runCli(["add", "servce", "x"], workdir());
  assert.equal(sub.code, 2);
  assert.match(sub.stderr, /^hint: did you mean "fastdapr add service"\? run "fastdapr add --help" for the commands$/m);
  const json = JSON.parse((await runCli(["nwe", "--json"], workdir())).stdout);
  assert.deepEqual([json.command, json.error.location], ["fastdapr", "nwe"]);
});

test("every --help ends with examples that start with the command itself", async () => {
  const top = await runCli(["--help"], workdir());
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Examples:\n {2}\$ fastdapr init learnflow --preset learnflow/m);
  for (const spec of COMMANDS) {
    const run = await runCli([...spec.path, "--help"], workdir());
    assert.equal(run.code, 0, spec.path.join(" "));
    const examples = run.stdout.split("\nExamples:\n")[1];
    assert.ok(examples, `${spec.path.join(" ")} --help has examples`);
    for (const line of examples.trimEnd().split("\n")) assert.ok(line.startsWith(`  $ fastdapr ${spec.path.join(" ")}`), line);
  }
});

test("contradictory flags are refused, in either order, and nothing is written", async () => {
  for (const argv of [
    ["new", "x-service", "--agent", "--no-agent"],
    ["new", "x-service", "--no-agent", "--agent"],
  ]) {
    const cwd = workdir();
    const run = await runCli([...argv, "--json"], cwd);
    assert.equal(run.code, 2, run.stdout);
    const { error } = JSON.parse(run.stdout);
    assert.equal(error.code, "E_USAGE");
    assert.match(error.message, /--agent and --no-agent contradict each other/);
    assert.deepEqual(readdirSync(cwd), []);
  }
});

/** What bash offers for the words typed so far (the last one being completed), with the real script loaded. */
function complete(script: string, typed: string[]): string[] {
  const words = ["fastdapr", ...typed].map((w) => `'${w}'`).join(" ");
  const run = spawnSync("bash", ["-c", `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _fastdapr; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split("\n").filter(Boolean).sort();
}

test("fastdapr completion bash: commands, subcommands, each command's flags and the choices of a flag", async () => {
  const run = await runCli(["completion", "bash"], workdir());
  assert.equal(run.code, 0, run.stderr);
  const script = run.stdout;
  assert.deepEqual(complete(script, ["ne"]), ["new"]);
  assert.deepEqual(complete(script, ["add", ""]), ["agent", "invoke", "pubsub", "service", "state"]);
  assert.deepEqual(complete(script, ["add", "state", "svc", "--"]), ["--dry-run", "--force", "--help", "--json", "--key", "--manifest"]);
  assert.deepEqual(complete(script, ["new", "x", "--tier", ""]), ["agent", "lightweight", "standard"]);
  assert.ok(complete(script, ["new", "x", "--no"]).includes("--no-agent"));
  assert.deepEqual(complete(script, ["init", "p", "--preset", "l"]), ["learnflow"]);
  for (const spec of COMMANDS) {
    const flags = complete(script, [...spec.path, "--"]);
    for (const p of spec.params.filter((x) => !x.positional)) assert.ok(flags.includes(p.cli.split(" ")[0]!), `${spec.path.join(" ")} ${p.cli}`);
  }
  assert.equal((await runCli(["completion", "fish"], workdir())).code, 2, "an unknown shell is a usage error");
});
