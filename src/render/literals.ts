// Free text from the manifest (descriptions, titles, property names, enum values) enters generated
// Python and Markdown only through these helpers, each of which returns a finished literal: a
// complete Python string literal or docstring, or Markdown text that cannot open a construct. A
// template never puts quotes around free text itself, so no value can end a string early, smuggle
// in an escape sequence, or turn a README line into a heading, a table row or raw HTML.
// (YAML, TOML and JSON files are built as objects and serialised by libraries: nothing to do there.)
import { RUFF_AMBIGUOUS_RANGES } from "./ruff-ambiguous.js";

// --- Python ------------------------------------------------------------------------------------

/** Characters with a short Python escape; any other control character gets \xNN. */
const SHORT_ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r" };

/** Invisible or unprintable code points (controls, format marks such as bidi overrides, line and
 * paragraph separators, non-ASCII spaces, private use, unassigned, lone surrogates). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Co}\p{Cn}\p{Cs}]/u;

let ambiguousCodePoints: Set<number> | undefined;

/**
 * Whether ruff's RUF001/RUF002 (selected in every generated pyproject) flag this character as
 * confusable with an ASCII one (an en dash, a Cyrillic "а", a "×"): ruff's own answers, tabulated
 * by scripts/ruff-ambiguous.ts for the ruff version the generated project pins.
 */
function ambiguous(c: string): boolean {
  if (ambiguousCodePoints === undefined) {
    ambiguousCodePoints = new Set();
    for (const range of RUFF_AMBIGUOUS_RANGES.split(",")) {
      const [low, high = low] = range.split("-").map((hex) => parseInt(hex, 16));
      for (let cp = low!; cp <= high!; cp++) ambiguousCodePoints.add(cp);
    }
  }
  return ambiguousCodePoints.has(c.codePointAt(0)!);
}

function codePointEscape(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/**
 * The body of a Python string: backslashes and controls escaped, invisible characters and those
 * ruff calls ambiguous written as \u escapes (the value is the same), `quote` handled by `escapeQuote`.
 */
function pythonBody(text: string, escapeQuote: (text: string, index: number) => boolean, quote = '"'): string {
  // the common case, printable ASCII without quotes or backslashes, is already its own body
  if (/^[ !#-&(-[\]-~]*$/.test(text)) return text;
  let out = "";
  let index = 0;
  for (const c of text) {
    if (c in SHORT_ESCAPES) out += SHORT_ESCAPES[c];
    else if (c === quote) out += escapeQuote(text, index) ? `\\${quote}` : quote;
    else if (c > "~" && (INVISIBLE.test(c) || ambiguous(c))) out += codePointEscape(c);
    else if (c < " ") out += codePointEscape(c);
    else out += c;
    index += c.length;
  }
  return out;
}

/** A complete Python string literal holding exactly `text`: `"..."`. */
export function pythonString(text: string): string {
  // ruff's choice of quotes: double, unless the text holds more double quotes than single ones
  const quote = count(text, '"') > count(text, "'") ? "'" : '"';
  return `${quote}${pythonBody(text, () => true, quote)}${quote}`;
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/**
 * `text` as lines of a docstring the template opens and closes itself (e.g. after "Handler of
 * `x` events: "): continuation lines indented by `indent`, every line's trailing blanks dropped.
 * No run of two quotes and no final quote is left unescaped, so `"""` can never close it early.
 */
export function docstringText(text: string, indent = "", dedent = false): string {
  const quoteNeedsEscape = (t: string, i: number) => i === t.length - 1 || t[i + 1] === '"';
  const lines = text
    .trim()
    .split("\n")
    .map((line) => pythonBody(line.trimEnd(), quoteNeedsEscape));
  // the continuation lines' common leading blanks, which ruff's formatter replaces by the indent
  const common = dedent
    ? Math.min(
        ...lines
          .slice(1)
          .filter((l) => l !== "")
          .map((l) => l.length - l.trimStart().length),
      )
    : 0;
  return lines.map((line, i) => (i === 0 || line === "" ? line : `${indent}${line.slice(Number.isFinite(common) ? common : 0)}`)).join("\n");
}

/**
 * A complete docstring: `"""text"""` on one line, or the first line, the rest indented by
 * `indent` (their common indentation replaced by it, as ruff formats a docstring), and the
 * closing quotes on their own line.
 */
export function pythonDocstring(text: string, indent = ""): string {
  // ruff keeps a docstring's first quote apart from the opening ones: """ "quoted"…
  const content = docstringText(text, indent, true);
  const body = content.startsWith('"') ? ` ${content}` : content;
  return body.includes("\n") ? `"""${body}\n${indent}"""` : `"""${body}"""`;
}

// --- Markdown ----------------------------------------------------------------------------------

/** ASCII punctuation that opens or closes a Markdown construct anywhere in a line (GFM tables: `|`). */
const MD_INLINE = /[\\`*_[\]<>|~&]/g;
/** Starts of a line that make a heading, a list item, a quote, a thematic break or a setext line. */
const MD_LINE_START = /^(#|[-+=]|\d+[.)])/;

function markdownLine(line: string): string {
  // leading blanks would make an indented code block, trailing ones a hard line break
  const escaped = line.trim().replace(MD_INLINE, (c) => `\\${c}`);
  return escaped.replace(MD_LINE_START, (start) => (/^\d/.test(start) ? start.replace(/([.)])$/, "\\$1") : `\\${start}`));
}

/** `text` as Markdown paragraphs that render as written (its lines kept, blank lines between paragraphs), no construct opened. */
export function markdownText(text: string): string {
  return text
    .trim()
    .split("\n")
    .map(markdownLine)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** `text` as one line of Markdown (a table cell, a list item): line breaks become spaces. */
export function markdownInline(text: string): string {
  return markdownLine(oneLine(text));
}

// --- Plain text ---------------------------------------------------------------------------------

/** `text` on one line, runs of blanks and line breaks collapsed (a package summary, a title). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The helpers every template gets as `it.lit`. */
export const LITERALS = { pythonString, pythonDocstring, docstringText, markdownText, markdownInline, oneLine } as const;
