// Writes src/render/ruff-ambiguous.ts: the non-ASCII characters that ruff's RUF001/RUF002 (selected
// in every generated pyproject) report as confusable with an ASCII one (an en dash, a Cyrillic "а",
// "×"). src/render/literals.ts writes those as \u escapes in generated Python, so a description in
// any language keeps the generated code ruff-clean. The table is ruff's own answer: every printable
// code point is put to the WebAssembly build of the ruff version the generated project pins, each
// alone in its own string. Run after bumping ruff: npx tsx scripts/ruff-ambiguous.ts
// (test/unit/ruff-ambiguous.test.ts fails while the table is stale)
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";

/** Printable characters beyond ASCII (invisible ones are always escaped, so not asked about). */
function candidates(): number[] {
  const out: number[] = [];
  for (let cp = 0x80; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp))) out.push(cp);
  }
  return out;
}

/** The code points ruff flags as ambiguous, ascending. */
export function probeRuffAmbiguous(): number[] {
  const linter = new Workspace({ "target-version": "py311", lint: { select: ["RUF001"] } }, PositionEncoding.Utf16);
  const all = candidates();
  // one character per line: a diagnostic's row names the character
  const source = `x = [\n${all.map((cp) => `    "${String.fromCodePoint(cp)}",\n`).join("")}]\n`;
  const rows = new Set<number>();
  for (const d of linter.check(source) as { code: string; start_location: { row: number } }[]) {
    if (d.code === "RUF001") rows.add(d.start_location.row - 2);
  }
  return all.filter((_, i) => rows.has(i));
}

/** Code points as compact ranges: "b4,b8,d7,131,17f,1e9c-1e9d". */
export function toRanges(codePoints: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < codePoints.length; ) {
    let j = i;
    while (j + 1 < codePoints.length && codePoints[j + 1] === codePoints[j]! + 1) j++;
    parts.push(i === j ? codePoints[i]!.toString(16) : `${codePoints[i]!.toString(16)}-${codePoints[j]!.toString(16)}`);
    i = j + 1;
  }
  return parts.join(",");
}

export const TABLE_FILE = "src/render/ruff-ambiguous.ts";

export function tableSource(codePoints: readonly number[]): string {
  const ranges = toRanges(codePoints);
  const lines = ranges.match(/.{1,96}(,|$)/g)!.map((l) => `  "${l}" +`);
  return `// Written by scripts/ruff-ambiguous.ts from ruff's own answers; do not edit. The non-ASCII characters
// ruff's RUF001/RUF002 report as confusable with ASCII, as hexadecimal code points and ranges.
export const RUFF_AMBIGUOUS_RANGES =
${lines.join("\n").replace(/ \+$/, ";")}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const found = probeRuffAmbiguous();
  writeFileSync(join(root, TABLE_FILE), tableSource(found));
  console.log(`wrote ${TABLE_FILE}: ${found.length} characters`);
}
