// The table of characters ruff calls ambiguous (src/render/ruff-ambiguous.ts), which the Python
// literal helpers escape, is ruff's current answer: the pinned ruff is asked again here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probeRuffAmbiguous, TABLE_FILE, tableSource } from "../../scripts/ruff-ambiguous.js";
import { pythonString } from "../../src/render/literals.js";

test("the ambiguous-character table is ruff's answer (run scripts/ruff-ambiguous.ts after a ruff bump)", () => {
  const found = probeRuffAmbiguous();
  assert.ok(found.length > 1000, `ruff flags ${found.length} characters`);
  assert.equal(readFileSync(join(import.meta.dirname, "..", "..", TABLE_FILE), "utf8"), tableSource(found));
});

test("Python literals escape exactly the ambiguous and invisible characters, and keep the rest", () => {
  assert.equal(pythonString("café 漢字 🎉 Straße"), '"café 漢字 🎉 Straße"');
  assert.equal(pythonString("a – b × c а"), '"a \\u2013 b \\xd7 c \\u0430"');
  assert.equal(pythonString("zero\u200bwidth \u202e nbsp\u00a0"), '"zero\\u200bwidth \\u202e nbsp\\xa0"');
  assert.equal(pythonString('say "hi" \\ \n\t'), "'say \"hi\" \\\\ \\n\\t'", "quoted as ruff quotes it: single quotes around more double quotes than single");
  assert.equal(pythonString('it\'s "x"'), "'it\\'s \"x\"'");
  assert.equal(pythonString("it's \"x\" o'k"), '"it\'s \\"x\\" o\'k"', "double quotes unless the text has more of them");
  assert.equal(pythonString("\u{1d7ce}"), '"\\U0001d7ce"', "astral characters get \\U escapes");
});
