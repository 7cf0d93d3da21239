// Where a line of generated Python breaks when a name or a description makes it long: the few
// statements whose length depends on the manifest (a call with a topic and an example payload, a
// function named after a topic, an import of every handler) are laid out here the way ruff's
// formatter lays them out, so the file needs no formatter (python-format.ts). A statement is a
// document of brackets, printed like ruff prints them: everything on one line when it fits, else the
// outermost brackets open first; the arguments of a call or the parameters of a function then
// stay together on one indented line when they fit there, one per line with a trailing comma when
// they do not; a collection (dict, list, imported names) goes one item per line.
//
// Widths are ruff's for ASCII and the common scripts (textWidth). A statement with any other
// character is printed on one line: if that line is too long, python-format.ts sees it and lets
// ruff decide.
import { RUFF_SETTINGS } from "./ruff-settings.js";

const LINE_LENGTH = RUFF_SETTINGS["line-length"];

/** A piece of a statement: text, or brackets around items. */
export type Doc = string | Brackets | Doc[];

interface Brackets {
  open: string;
  items: Doc[];
  close: string;
  /** arguments and parameters hug one indented line when they fit; a collection never does */
  hug: boolean;
  /** a lone argument that does not fit gets no trailing comma (a lone parameter and a collection's item do) */
  loneComma: boolean;
  /** the brackets on one line, when they differ (an import's names have none) */
  flatOpen?: string;
  flatClose?: string;
}

/** A call's arguments or a function's parameters: `open` ends with the bracket, e.g. "print(". */
export function args(open: string, items: Doc[], close = ")"): Brackets {
  return { open, items, close, hug: true, loneComma: false };
}

/** A function's parameters: like arguments, except that a lone parameter never hugs (ruff gives it a trailing comma). */
export function params(open: string, items: Doc[], close: string): Brackets {
  return { open, items, close, hug: items.length > 1, loneComma: true };
}

/** A dict, list or tuple display, or the names of a `from … import (…)`. */
export function collection(open: string, items: Doc[], close: string): Brackets {
  return { open, items, close, hug: false, loneComma: true };
}

/** `from module import a, b`, or its names in parentheses, one a line, when they do not fit. */
export function fromImport(module: string, names: string[]): Brackets {
  return { open: `from ${module} import (`, items: names, close: ")", hug: false, loneComma: true, flatOpen: `from ${module} import `, flatClose: "" };
}

/** The one-line text of a document. */
export function flat(doc: Doc): string {
  if (typeof doc === "string") return doc;
  if (Array.isArray(doc)) return doc.map(flat).join("");
  return `${doc.flatOpen ?? doc.open}${doc.items.map(flat).join(", ")}${doc.flatClose ?? doc.close}`;
}

const PRINTABLE_ASCII = /^[ -~]*$/;

/**
 * Columns of `text` as ruff counts them (Unicode's East Asian Width: a CJK ideograph takes two, a
 * combining accent none), or undefined when it holds a character outside the ranges known here.
 * (Free text reaches Python through literals.ts, which escapes invisible and ambiguous characters.)
 */
export function textWidth(text: string): number | undefined {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp >= 0x20 && cp < 0x7f) width += 1;
    else if (cp >= 0x300 && cp <= 0x36f)
      continue; // combining diacritical marks
    else if ((cp >= 0xa1 && cp <= 0x2ff) || (cp >= 0x370 && cp <= 0x482) || (cp >= 0x48a && cp <= 0x52f) || (cp >= 0x2010 && cp <= 0x2027)) width += 1;
    else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1f600 && cp <= 0x1f64f)) width += 2;
    else return undefined;
  }
  return width;
}

/** Whether `text` surely fits from column `indent` (text of unknown width never does). */
const fits = (indent: number, text: string) => indent + (textWidth(text) ?? Infinity) <= LINE_LENGTH;
const unknownWidth = (text: string) => textWidth(text) === undefined;

/**
 * `doc` printed from column `column` of a line indented by `indent` columns, followed on its last
 * line by `rest` (lines joined by "\n", no indentation before the first).
 */
function print(doc: Doc, column: number, indent: number, rest: string): string {
  const line = flat(doc);
  if (fits(column, line + rest)) return line + rest;
  if (typeof doc === "string") return doc + rest;
  if (Array.isArray(doc)) {
    // the last bracketed part breaks first; what precedes it stays on the line
    let last = doc.length - 1;
    while (last >= 0 && typeof doc[last] === "string") last--;
    if (last === -1) return line + rest;
    const head = doc.slice(0, last).map(flat).join("");
    const tail = doc
      .slice(last + 1)
      .map(flat)
      .join("");
    return head + print(doc[last]!, column + (textWidth(head) ?? 0), indent, tail + rest);
  }
  if (doc.items.length === 0) return line + rest;
  const inner = indent + 4;
  const pad = " ".repeat(inner);
  const together = doc.items.map(flat).join(", ");
  const comma = doc.items.length > 1 || doc.loneComma ? "," : "";
  const body = doc.hug && fits(inner, together) ? `${pad}${together}` : doc.items.map((item) => `${pad}${print(item, inner, inner, comma)}`).join("\n");
  return `${doc.open}\n${body}\n${" ".repeat(indent)}${doc.close}${rest}`;
}

/**
 * A statement at `indent` columns (the template writes the indentation before it), as ruff's
 * formatter lays it out. Non-ASCII text stays on one line (see above).
 */
export function statement(indent: number, doc: Doc): string {
  return unknownWidth(flat(doc)) ? flat(doc) : print(doc, indent, indent, "");
}

/** `name = value` (or `name: type = value`) where the value is one atom: parenthesized on its own line when only that fits. */
export function assignment(indent: number, target: string, value: string): string {
  return parenthesized(indent, `${target} = `, value);
}

/** `return value` of one atom (not an f-string with fields), laid out like an assignment. */
export function returnValue(indent: number, value: string): string {
  return parenthesized(indent, "return ", value);
}

function parenthesized(indent: number, head: string, value: string): string {
  const line = `${head}${value}`;
  if (fits(indent, line) || !fits(indent + 4, value) || unknownWidth(line)) return line;
  return `${head}(\n${" ".repeat(indent + 4)}${value}\n${" ".repeat(indent)})`;
}

/**
 * `assert left == right`, `right` one atom: in parentheses when it does not fit, then on one line
 * inside them when that fits, else `left` (laid out on its own) and `== right` on the next line.
 */
export function assertEqual(indent: number, left: Doc, right: string): string {
  const line = `assert ${flat(left)} == ${right}`;
  if (fits(indent, line) || unknownWidth(line)) return line;
  const inner = indent + 4;
  const pad = " ".repeat(inner);
  const together = `${flat(left)} == ${right}`;
  const inside = fits(inner, together) ? together : `${print(left, inner, inner, "")}\n${pad}== ${right}`;
  return `assert (\n${pad}${inside}\n${" ".repeat(indent)})`;
}
