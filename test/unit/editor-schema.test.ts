// Editor completion works offline as shipped: the manifest's yaml-language-server line points at a
// schema file the platform itself holds, so `npx fastdapr init` (no node_modules) is enough.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { runCli } from "../support/cli.js";
import { manifestJsonSchemaText } from "../../src/manifest/schema.js";

for (const preset of ["learnflow", "blank"]) {
  test(`init --preset ${preset}: the schema the manifest names exists beside it, is the shipped one, and accepts the manifest`, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "fastdapr-editor-"));
    assert.equal((await runCli(["init", "p", "--preset", preset], cwd)).code, 0);
    const manifestFile = join(cwd, "p/fastdapr.yaml");
    const text = readFileSync(manifestFile, "utf8");
    const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text.split("\n")[0]!)?.[1];
    assert.ok(ref && !ref.includes("node_modules") && !/^[a-z]+:/.test(ref), `a relative path the folder holds: ${ref}`);
    const schemaFile = resolve(dirname(manifestFile), ref);
    assert.ok(existsSync(schemaFile));
    assert.equal(readFileSync(schemaFile, "utf8"), manifestJsonSchemaText());
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(schemaFile, "utf8")));
    assert.ok(validate(parse(text)), JSON.stringify(validate.errors));
    // generated, so a check sees it and a later fastdapr keeps it current
    assert.equal((await runCli(["generate", "--check"], join(cwd, "p"))).code, 0);
  });
}
