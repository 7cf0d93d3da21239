// The schema's issues as problems a person can act on: each names the field path, what was expected
// and what was found, at the "file:LINE:COL" of the offending node (positions.ts), with a hint
// where one is known; all of them are thrown at once, in document order.
import type { $ZodIssue } from "zod/v4/core";
import { EXIT, FastdaprError, type Problem } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { pythonVersionHint } from "../model/python-version.js";
import { formatPath, quoted, type PathSegment } from "./field-path.js";
import type { Positions } from "./positions.js";
import { manifestJsonSchema } from "./schema.js";

export function describeValue(value: unknown): string {
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
function expectedFields(path: readonly PathSegment[]): string[] {
  cachedJsonSchema ??= manifestJsonSchema();
  const root = cachedJsonSchema;
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

export function issueProblem(issue: $ZodIssue, data: unknown, positions: Positions): Problem {
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
      const expected =
        issue.expected === "record" || issue.expected === "object"
          ? "a mapping"
          : issue.expected === "array"
            ? "a list"
            : `${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
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
      const expected = where.endsWith("agent") ? "true, false or a mapping with backend, model, systemPrompt" : "a value of one of the allowed forms";
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
export function throwProblems(problems: Problem[]): never {
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
