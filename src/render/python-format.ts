// Generated Python is written as ruff's formatter writes it, by construction: the templates hold
// their lines already formatted, the statements whose length depends on the manifest are laid out
// as ruff lays them out (python-layout.ts), and free text enters only through literals.ts, which
// quotes and indents it the way ruff does. test/generated/format-clean.test.ts proves it on every
// template across the presets, the tiers, the longest names and seeded random ones.
//
// A file with a line that may still be too long and that ruff could split (a statement
// python-layout.ts does not lay out, text of characters whose width it does not know) goes through
// ruff's own formatter: the WebAssembly build of the ruff version the generated project pins,
// loaded on first use. A service or platform with names of ordinary length never loads it.
import { createRequire } from "node:module";
import type * as Ruff from "@astral-sh/ruff-wasm-nodejs";
import { RUFF_SETTINGS } from "./ruff-settings.js";
import { textWidth } from "./python-layout.js";

export { RUFF_SETTINGS };

const LINE_LENGTH = RUFF_SETTINGS["line-length"];

let workspace: Ruff.Workspace | undefined;

function ruffWorkspace(): Ruff.Workspace {
  if (!workspace) {
    const { PositionEncoding, Workspace } = createRequire(import.meta.url)("@astral-sh/ruff-wasm-nodejs") as typeof Ruff;
    workspace = new Workspace({ ...RUFF_SETTINGS, format: {} }, PositionEncoding.Utf16);
  }
  return workspace;
}

// Lines ruff cannot split: one atom on its line (a string, a dict's "key": value, a keyword's
// string or name, a name, a parameter and its type, each maybe with its comma, a comparison's
// "== string"), the head of a bracket that is open already, and `name = "string"` or
// `return "string"` where the string does not fit in parentheses either.
const STRING = String.raw`(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`;
const UNSPLITTABLE = new RegExp(
  String.raw`^\s*(?:(?:(?:${STRING}\s*:\s*|\w+=|== )?${STRING}|${STRING}\s*:\s*(?:[\w.+-]+|\[\]|\{\})|(?:\w+=)?[\w.]+|\w+: [\w.]+),?|(?:async def |def |await |\w+ = )?[\w.]+\()$`,
);
const STRING_ASSIGNMENT = new RegExp(String.raw`^(\s*)(?:\w+(?:: [\w.]+)? = |return )(f?${STRING})$`);

function unsplittable(line: string): boolean {
  if (UNSPLITTABLE.test(line)) return true;
  const assignment = STRING_ASSIGNMENT.exec(line);
  return assignment !== null && width(`${assignment[1]!}    ${assignment[2]!}`) > LINE_LENGTH;
}

/**
 * Whether some line may be wider than the line length. Widths are ruff's where textWidth knows the
 * characters, two columns a character otherwise (the most ruff counts), so a file that passes is
 * sure to fit. Comment and docstring lines may be longer, and lines ruff cannot split.
 */
export function hasLongLine(source: string): boolean {
  let docstring = false;
  for (let start = 0; start < source.length; ) {
    let end = source.indexOf("\n", start);
    if (end === -1) end = source.length;
    const line = source.slice(start, end);
    const text = line.trim();
    const quotes = text.split('"""').length - 1;
    let prose: boolean;
    if (docstring) {
      // inside a docstring until the line that closes it, which may only close it
      prose = quotes === 0 || (quotes === 1 && text.endsWith('"""'));
      docstring = quotes === 0;
    } else {
      // a line that opens a docstring ("""Summary…) or holds a whole one ("""Summary.""")
      prose = text.startsWith("#") || (text.startsWith('"""') && (quotes === 1 || (quotes === 2 && text.length >= 6 && text.endsWith('"""'))));
      docstring = text.startsWith('"""') && quotes === 1;
    }
    if (!prose && end - start > LINE_LENGTH / 2 && width(line) > LINE_LENGTH && !unsplittable(line)) return true;
    start = end + 1;
  }
  return false;
}

function width(line: string): number {
  const known = textWidth(line);
  if (known !== undefined) return known;
  let columns = 0;
  for (let i = 0; i < line.length; i++) columns += line.charCodeAt(i) < 128 ? 1 : 2;
  return columns;
}

// Several services of a platform render the same long text (the same topic's test, say): each
// distinct text goes through ruff once per run.
const formatted = new Map<string, string>();

/** How many files went through ruff in this process (the format test reads it). */
export const ruffRuns = { files: 0 };

/** `source` as ruff formats it: itself when every line fits (or cannot be split), ruff's answer otherwise. */
export function formatPython(source: string): string {
  if (!hasLongLine(source)) return source;
  let out = formatted.get(source);
  if (out === undefined) {
    ruffRuns.files++;
    out = ruffWorkspace().format(source);
    formatted.set(source, out);
  }
  return out;
}
