// Generated Python is written as ruff's formatter writes it, by construction: the templates hold
// their lines already formatted, and free text enters only through literals.ts, which quotes and
// indents it the way ruff does. test/generated/format-clean.test.ts proves it on every template
// across the presets, the tiers, the longest names and seeded random ones (`ruff format --check`).
//
// What construction cannot decide is where ruff splits a line that a long name or description
// pushed past the line length. Such a file (rare: a name near its maximum length) goes through
// ruff's own formatter, the WebAssembly build of the ruff version the generated project pins,
// loaded on first use: a typical service or platform never loads it.
import { createRequire } from "node:module";
import type * as Ruff from "@astral-sh/ruff-wasm-nodejs";

/** Must match the [tool.ruff] settings written into the generated pyproject.toml. */
export const RUFF_SETTINGS = { "target-version": "py311", "line-length": 100 } as const;

const LINE_LENGTH = RUFF_SETTINGS["line-length"];

let workspace: Ruff.Workspace | undefined;

function ruffWorkspace(): Ruff.Workspace {
  if (!workspace) {
    const { PositionEncoding, Workspace } = createRequire(import.meta.url)("@astral-sh/ruff-wasm-nodejs") as typeof Ruff;
    workspace = new Workspace({ ...RUFF_SETTINGS, format: {} }, PositionEncoding.Utf16);
  }
  return workspace;
}

/**
 * Whether some line may be wider than the line length, measured from above: a non-ASCII character
 * counts two columns (the widest a character is in ruff's measure), so a file that passes is sure
 * to fit. Comment lines and the lines of a docstring may be longer: ruff splits neither.
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
    if (!prose && end - start > LINE_LENGTH / 2 && wider(source, start, end)) return true;
    start = end + 1;
  }
  return false;
}

function wider(source: string, start: number, end: number): boolean {
  let width = 0;
  for (let i = start; i < end; i++) if ((width += source.charCodeAt(i) < 128 ? 1 : 2) > LINE_LENGTH) return true;
  return false;
}

// Several services of a platform render the same long text (the same topic's test, say): each
// distinct text goes through ruff once per run.
const formatted = new Map<string, string>();

/** How many files went through ruff in this process (the generation benchmark and the format test read it). */
export const ruffRuns = { files: 0 };

/** `source` as ruff formats it: itself when every line fits, ruff's answer otherwise. */
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
