// Loading fastdapr.yaml: YAML with source positions → the validated Manifest. Every problem (YAML
// syntax, duplicate keys, schema) becomes a FastdaprError that points at "file:LINE:COL" of the
// offending node and names the field path and what was expected.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { $ZodIssue } from "zod/v4/core";
import { EXIT, FastdaprError, type Problem } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { manifestJsonSchema, ManifestSchema, type Manifest } from "./schema.js";
import { pythonVersionHint } from "../model/python-version.js";
import { findManifestAbove, MANIFEST_FILE } from "./find.js";
import { formatPath, quoted, type PathSegment } from "./field-path.js";

export { findManifestAbove, formatPath, MANIFEST_FILE, quoted, type PathSegment };


/** Maps a path in the manifest (["services", "triage-service", "port"]) to "file:LINE:COL". */
export interface Positions {
  readonly fileName: string;
  /**
   * Location of the node at `path`: its value, or its key with `{ key: true }` (for map entries).
   * When the path does not exist (a defaulted field), the nearest existing ancestor is used.
   */
  at(path: readonly PathSegment[], options?: { key?: boolean }): string;
}

/** A parsed and validated manifest, with what is needed to point at its lines and to edit it. */
export interface LoadedManifest {
  manifest: Manifest;
  /** The parsed YAML document (comments and key order kept): pass it to the edit functions. */
  doc: Document;
  positions: Positions;
  fileName: string;
  text: string;
  /** The manifest's absolute path, when it was read from a file. */
  file?: string;
}

/** Positions that know no file: every path maps to the file name alone. */
export function noPositions(fileName = MANIFEST_FILE): Positions {
  return { fileName, at: () => fileName };
}

function manifestError(code: string, message: string, location: string, hint?: string): FastdaprError {
  return new FastdaprError(code, message, { location, exitCode: EXIT.badInput, ...(hint ? { hint } : {}) });
}

/** Positions over a parsed document. */
export function documentPositions(doc: Document, lineCounter: LineCounter, fileName: string): Positions {
  const locate = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  return {
    fileName,
    at(path, options = {}) {
      let node: unknown = doc.contents;
      let offset = node && (node as Node).range ? (node as Node).range![0] : 0;
      for (let i = 0; i < path.length; i++) {
        if (isAlias(node)) node = node.resolve(doc);
        const seg = path[i]!;
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          const keyNode = pair.key as Node;
          if (last && options.key && keyNode.range) return locate(keyNode.range[0]);
          const value = pair.value as Node | null;
          // a key with no value ("port:") points at the key
          if (value && value.range && !(isScalar(value) && value.value === null && value.range[0] === value.range[1])) {
            offset = value.range[0];
          } else if (keyNode.range) {
            offset = keyNode.range[0];
          }
          node = value;
        } else if (isSeq(node) && typeof seg === "number") {
          const item = node.items[seg] as Node | undefined;
          if (!item || !item.range) break;
          offset = item.range[0];
          node = item;
        } else {
          break;
        }
      }
      return locate(offset);
    },
  };
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${quoted(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

// --- what the schema expects at a path (for "unknown field" messages) ---------------------------

type JsonSchemaNode = Record<string, unknown>;
let cachedJsonSchema: JsonSchemaNode | undefined;

function resolveRef(root: JsonSchemaNode, node: JsonSchemaNode | undefined): JsonSchemaNode | undefined {
  let current = node;
  for (let guard = 0; current && guard < 10; guard++) {
    if (typeof current.$ref === "string") {
      const name = current.$ref.replace(/^#\/definitions\//, "");
      current = (root.definitions as Record<string, JsonSchemaNode> | undefined)?.[name];
    } else if (Array.isArray(current.allOf) && current.allOf.length === 1) {
      current = current.allOf[0] as JsonSchemaNode;
    } else if (Array.isArray(current.anyOf)) {
      current = (current.anyOf as JsonSchemaNode[]).find((b) => b.properties) ?? current;
      if (!current.anyOf) continue;
      break;
    } else break;
  }
  return current;
}

/** The field names the schema allows at `path` (an object node), in schema order. */
export function expectedFields(path: readonly PathSegment[]): string[] {
  const root = (cachedJsonSchema ??= manifestJsonSchema());
  let node = resolveRef(root, root);
  for (const seg of path) {
    if (!node) return [];
    const props = node.properties as Record<string, JsonSchemaNode> | undefined;
    if (typeof seg === "string" && props && props[seg]) node = resolveRef(root, props[seg]);
    else if (typeof seg === "number" && node.items) node = resolveRef(root, node.items as JsonSchemaNode);
    else if (node.additionalProperties && typeof node.additionalProperties === "object") {
      node = resolveRef(root, node.additionalProperties as JsonSchemaNode);
    } else return [];
  }
  return Object.keys((node?.properties as object | undefined) ?? {});
}

// --- zod issues → errors -------------------------------------------------------------------------

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

function issueProblem(issue: $ZodIssue, data: unknown, positions: Positions): Problem {
  const path = issue.path as PathSegment[];
  const where = formatPath(path);
  const input = "input" in issue ? issue.input : valueAt(data, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0]!;
      const allowed = expectedFields(path);
      const guess = closest(key, allowed);
      return {
        code: "E_MANIFEST_UNKNOWN_FIELD",
        message: `${formatPath([...path, key])}: unknown field "${key}"${allowed.length ? `; expected one of: ${allowed.join(", ")}` : ""}`,
        location: positions.at([...path, key], { key: true }),
        ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
      };
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      return {
        code: "E_MANIFEST_KEY",
        message: `${where}: invalid name ${quoted(String(path[path.length - 1]))}: ${inner?.message ?? issue.message}`,
        location: positions.at(path, { key: true }),
      };
    }
    case "invalid_type": {
      if (input === undefined) {
        const field = path[path.length - 1];
        return {
          code: "E_MANIFEST_MISSING",
          message: `${formatPath(path.slice(0, -1))}: missing required field "${String(field)}" (expected ${issue.expected})`,
          location: positions.at(path.slice(0, -1)),
        };
      }
      const quoteHint =
        issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")
          ? `YAML reads ${String(input)} as a ${typeof input}; quote it: "${String(input)}"`
          : undefined;
      const expected = issue.expected === "record" || issue.expected === "object" ? "a mapping" : issue.expected === "array" ? "a list" : `${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
      return {
        code: "E_MANIFEST_TYPE",
        message: `${where}: expected ${expected}, got ${describeValue(input)}`,
        location: positions.at(path),
        ...(quoteHint ? { hint: quoteHint } : {}),
      };
    }
    case "invalid_value": {
      // `python: 3.12` is a YAML number (and 3.10 reads as 3.1); the list holds strings
      const unquoted = typeof input === "number" && issue.values.every((v) => typeof v === "string");
      const hint = unquoted
        ? `YAML reads ${String(input)} as a number; quote the version, e.g. "${issue.values.at(-1) as string}"`
        : where === "defaults.python"
          ? pythonVersionHint(String(input)) // why the Python list ends where it does
          : undefined;
      return {
        code: "E_MANIFEST_VALUE",
        message: `${where}: expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${describeValue(input)}`,
        location: positions.at(path),
        ...(hint ? { hint } : {}),
      };
    }
    case "invalid_union": {
      const expected = where.endsWith("agent")
        ? "true, false or a mapping with backend, model, systemPrompt"
        : "a value of one of the allowed forms";
      return {
        code: "E_MANIFEST_TYPE",
        message: `${where}: expected ${expected}, got ${describeValue(input)}`,
        location: positions.at(path),
      };
    }
    default:
      return {
        code: "E_MANIFEST_VALUE",
        message: `${where}: ${issue.message}${input !== undefined && typeof input !== "object" ? ` (got ${describeValue(input)})` : ""}`,
        location: positions.at(path),
      };
  }
}

function offsetOf(location: string): [number, number] {
  const m = /:(\d+):(\d+)$/.exec(location);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/**
 * Throws every problem, in document order: the first is the error, all of them are its `problems`. A missing field
 * comes last: it is often the echo of a misspelt one ("prot: 8001"), which is the real cause.
 */
function throwProblems(problems: Problem[]): never {
  const rank = (p: Problem): number => (p.code === "E_MANIFEST_MISSING" ? 1 : 0);
  const sorted = [...problems].sort((a, b) => {
    const [la, ca] = offsetOf(a.location);
    const [lb, cb] = offsetOf(b.location);
    return rank(a) - rank(b) || la - lb || ca - cb;
  });
  const first = sorted[0]!;
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? "s" : ""})` : "";
  throw new FastdaprError(first.code, `${first.message}${more}`, {
    location: first.location,
    exitCode: EXIT.badInput,
    ...(first.hint ? { hint: first.hint } : {}),
    ...(sorted.length > 1 ? { problems: sorted } : {}),
  });
}

/**
 * Parses and validates manifest text. `fileName` is used in error locations ("fastdapr.yaml:3:5").
 * Throws FastdaprError (exit code 2) for YAML syntax errors, duplicate keys and schema violations.
 */
export function parseManifest(text: string, fileName = MANIFEST_FILE): LoadedManifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const positions = documentPositions(doc, lineCounter, fileName);
  const locate = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throwProblems(
      doc.errors.map((e) =>
        e.code === "DUPLICATE_KEY"
          ? {
              code: "E_MANIFEST_DUPLICATE_KEY",
              message: `duplicate key ${JSON.stringify(keyText(text, e.pos[0]))}${keyContext(doc, e.pos[0])}: each key may appear once in a mapping`,
              location: locate(e.pos[0]),
              hint: "merge the two entries into one",
            }
          : {
              code: "E_MANIFEST_SYNTAX",
              message: `YAML syntax error: ${e.message.split("\n")[0]}`,
              location: locate(e.pos[0]),
            },
      ),
    );
  }
  if (doc.contents === null) {
    throw manifestError("E_MANIFEST_EMPTY", "the manifest is empty", `${fileName}:1:1`, 'start with "apiVersion: fastdapr/v1"');
  }
  const data = expandAliases(doc, fileName);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw manifestError("E_MANIFEST_TYPE", `the manifest must be a mapping, got ${describeValue(data)}`, positions.at([]));
  }
  const result = ManifestSchema.safeParse(data, { reportInput: true });
  if (!result.success) throwProblems(result.error.issues.map((i) => issueProblem(i, data, positions)));
  return { manifest: result.data, doc, positions, fileName, text };
}

/** Aliases that expand to more than this many nodes are refused ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; a document whose aliases would blow up in memory is a user error. */
function expandAliases(doc: Document, fileName: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    throw manifestError(
      "E_MANIFEST_SYNTAX",
      `the manifest's YAML aliases (*name) expand too far: ${error.message}`,
      `${fileName}:1:1`,
      "write the values out instead of nesting aliases of aliases",
    );
  }
}

/** The source text of the key at `offset` ("port", "learning.query"). */
function keyText(text: string, offset: number): string {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]+?)\s*:/.exec(text.slice(offset));
  const raw = m ? m[1]! : text.slice(offset).split(/[\s:]/)[0]!;
  return /^["']/.test(raw) ? raw.slice(1, -1) : raw;
}

/** " in services.triage-service" for a duplicate key at `offset`, when the map can be found. */
function keyContext(doc: Document, offset: number): string {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 50; depth++) {
    if (!isMap(node) && !isSeq(node)) break;
    const items = node.items as unknown[];
    let next: unknown;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const value = isPair(item) ? item.value : item;
      const range = (value as Node | null)?.range;
      if (range && range[0] <= offset && offset < range[2]) {
        path.push(isPair(item) && isScalar(item.key) ? String(item.key.value) : i);
        next = value;
        break;
      }
    }
    if (next === undefined) break;
    node = next;
  }
  return path.length ? ` in ${formatPath(path)}` : "";
}

/** A manifest larger than this is refused before it is read (LearnFlow's is about 10 KB). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The manifest a command works on: `given` (--manifest) as is, otherwise fastdapr.yaml in `cwd` or
 * the nearest parent folder that has one, as git finds its repository; the file in `cwd` when none does.
 */
export function locateManifest(cwd: string, given?: string): string {
  if (given !== undefined) return resolve(cwd, given);
  return findManifestAbove(cwd) ?? join(resolve(cwd), MANIFEST_FILE);
}

/**
 * The text of a manifest file, `shown` (its path for messages) in every error. Only a regular file
 * of at most MAX_MANIFEST_BYTES is read: a folder, a device (/dev/zero) or a pipe is refused first.
 */
export function readManifestText(file: string, shown: string, searched = false): string {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    throw manifestError(
      "E_MANIFEST_NOT_FOUND",
      searched ? `no ${MANIFEST_FILE} in this folder or any folder above it` : `no manifest at ${shown}`,
      shown,
      'run "fastdapr init <name>" to create one, cd into the platform folder, or pass --manifest PATH',
    );
  }
  if (stat.isDirectory()) {
    throw manifestError("E_MANIFEST_FILE", `${shown} is a folder, not a manifest file`, shown, `pass the manifest in it: --manifest ${join(shown, MANIFEST_FILE)}`);
  }
  if (!stat.isFile()) {
    throw manifestError("E_MANIFEST_FILE", `${shown} is not a regular file (a device, a pipe or a socket)`, shown, "pass the path of a fastdapr.yaml file");
  }
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_MANIFEST_BYTES) {
      throw manifestError("E_MANIFEST_FILE", `${shown} is ${size} bytes; a manifest may have at most ${MAX_MANIFEST_BYTES} (1 MiB)`, shown, "pass the platform's fastdapr.yaml; split a platform that outgrew it");
    }
    const buffer = Buffer.alloc(size);
    const read = readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The manifest's name in messages: as the user gave it, else relative to the working directory. */
export function manifestShown(cwd: string, file: string, given?: string): string {
  return given ?? (relative(cwd, file) || MANIFEST_FILE);
}

/**
 * Finds (see locateManifest), reads and parses a manifest. Errors name it relative to `cwd`; a
 * missing or unreadable file is E_MANIFEST_NOT_FOUND or E_MANIFEST_FILE.
 */
export function loadManifest(given?: string, cwd = process.cwd()): LoadedManifest {
  const file = locateManifest(cwd, given);
  const shown = manifestShown(cwd, file, given);
  return { ...parseManifest(readManifestText(file, shown, given === undefined), shown), file };
}
