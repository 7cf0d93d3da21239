// A topic's JSON Schema → the pydantic v2 model of its payload (PayloadModel): python identifiers
// with aliases, Python 3.11 type expressions, defaults as Python literals. Constructs that do not
// map cleanly are manifest errors at their node.
import { FastdaprError } from "../core/errors.js";
import { pascalCase, snakeCase } from "../model/names.js";
import type { PayloadField, PayloadModel } from "../model/service.js";
import { formatPath, type PathSegment } from "./field-path.js";
import type { PayloadSchema } from "./schema.js";
import { pythonString } from "../render/literals.js";

/** Maps a path inside the topic's schema (["properties", "user_id", "type"]) to a location. */
export type SchemaLocation = (path: readonly PathSegment[], options?: { key?: boolean }) => string;

const PY_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield match case type _"
  ).split(" "),
);
/** Names a field must not take: BaseModel attributes, and the type names used in annotations (a
 * field called `date` would shadow the `date` type for the fields after it). */
const RESERVED = new Set(
  (
    "copy dict json schema schema_json construct validate parse_obj parse_raw parse_file from_orm " +
    "update_forward_refs fields str int float bool list datetime date time UUID Any Literal Field BaseModel ConfigDict"
  ).split(" "),
);

/** Formats that get a richer Python type; any other format stays `str` (formats are annotations). */
const FORMAT_TYPES: Record<string, string> = { "date-time": "datetime", date: "date", time: "time", uuid: "UUID" };

function pyIdentifier(jsonName: string, index: number): string {
  let name = snakeCase(jsonName);
  if (!name) name = `field_${index}`;
  if (/^[0-9]/.test(name)) name = `field_${name}`;
  if (name.startsWith("model_")) name = `field_${name}`;
  if (PY_KEYWORDS.has(name) || RESERVED.has(name)) name = `${name}_`;
  return name;
}

/** A JSON value as a Python literal. */
function pyLiteral(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonString(k)}: ${pyLiteral(v)}`);
  return `{${entries.join(", ")}}`;
}

/** Example JSON values of the string formats that get a richer Python type. */
const FORMAT_EXAMPLES: Record<string, string> = {
  "date-time": "2024-01-31T12:00:00Z",
  date: "2024-01-31",
  time: "12:00:00",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/** A Python literal of a JSON value the schema accepts: what generated tests send for the field. */
function exampleOf(schema: PayloadSchema): string {
  if (schema.enum) return pyLiteral(schema.enum.find((v) => v !== null) ?? null);
  const types = typesOf(schema);
  if (types.includes("null")) return "None";
  switch (types[0] ?? (schema.properties ? "object" : schema.items ? "array" : undefined)) {
    case "string":
      return pyLiteral((schema.format && FORMAT_EXAMPLES[schema.format]) ?? "example");
    case "integer":
      return "1";
    case "number":
      return "1.5";
    case "boolean":
      return "True";
    case "array":
      return "[]";
    case "object":
      return "{}";
    default:
      return pyLiteral("example");
  }
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typesOf(schema: PayloadSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? [...schema.type] : [schema.type];
}

function accepts(schema: PayloadSchema, value: unknown): boolean {
  if (schema.enum) return schema.enum.some((e) => e === value);
  const types = typesOf(schema);
  if (types.length === 0) return true;
  const t = jsonTypeOf(value);
  return types.includes(t) || (t === "integer" && types.includes("number"));
}

class PayloadMapper {
  constructor(
    private readonly topic: string,
    private readonly where: SchemaLocation,
  ) {}

  fail(path: readonly PathSegment[], message: string, hint?: string, key = false): never {
    throw new FastdaprError("E_MANIFEST_SCHEMA", `${formatPath(["topics", this.topic, "schema", ...path])}: ${message}`, {
      location: this.where(path, { key }),
      ...(hint ? { hint } : {}),
    });
  }

  /** The Python type of a schema node (without the `| None` an optional field adds). */
  pyType(schema: PayloadSchema, path: readonly PathSegment[]): string {
    if (schema.enum) {
      const literals = schema.enum.filter((v) => v !== null);
      if (literals.some((v) => typeof v === "number" && !Number.isInteger(v))) {
        this.fail([...path, "enum"], "typing.Literal cannot hold floats; use strings or integers");
      }
      const types = typesOf(schema);
      for (const v of schema.enum) {
        if (types.length && !accepts({ type: schema.type }, v)) this.fail([...path, "enum"], `${JSON.stringify(v)} is not of type ${types.join(" | ")}`);
      }
      const nullable = schema.enum.includes(null) || types.includes("null");
      const lit = literals.length ? `Literal[${literals.map(pyLiteral).join(", ")}]` : "None";
      return nullable && literals.length ? `${lit} | None` : lit;
    }
    const types = typesOf(schema);
    if (types.length === 0) {
      if (schema.properties) return this.pyType({ ...schema, type: "object" }, path);
      if (schema.items) return this.pyType({ ...schema, type: "array" }, path);
      return "Any";
    }
    const nonNull = types.filter((t) => t !== "null");
    const parts = nonNull.map((t) => this.single(t, schema, path));
    if (types.includes("null")) parts.push("None");
    return [...new Set(parts)].join(" | ");
  }

  private single(type: string, schema: PayloadSchema, path: readonly PathSegment[]): string {
    if (schema.format !== undefined && type !== "string") {
      this.fail([...path, "format"], `"format" applies to strings, not to ${type}`);
    }
    switch (type) {
      case "string":
        return (schema.format && FORMAT_TYPES[schema.format]) || "str";
      case "integer":
        return "int";
      case "number":
        return "float";
      case "boolean":
        return "bool";
      case "array":
        return schema.items ? `list[${this.pyType(schema.items, [...path, "items"])}]` : "list[Any]";
      case "object": {
        if (schema.properties && Object.keys(schema.properties).length > 0) {
          // nested objects are kept as plain dicts: one model per topic keeps handlers simple
          return "dict[str, Any]";
        }
        const extra = schema.additionalProperties;
        if (extra && typeof extra === "object") {
          return `dict[str, ${this.pyType(extra, [...path, "additionalProperties"])}]`;
        }
        return "dict[str, Any]";
      }
      default:
        return this.fail([...path, "type"], `unsupported type "${type}"`);
    }
  }

  model(schema: PayloadSchema | undefined, description: string): PayloadModel {
    const className = pascalCase(this.topic);
    if (!schema) return { className, description, fields: [], open: true };
    const types = typesOf(schema);
    if (!(types.length === 0 ? schema.properties !== undefined : types.length === 1 && types[0] === "object")) {
      this.fail(types.length ? ["type"] : [], 'an event payload is a JSON object: use "type: object" with "properties"');
    }
    if (schema.enum) this.fail(["enum"], "an event payload is an object, not an enum");
    const properties = schema.properties ?? {};
    const required = schema.required ?? [];
    required.forEach((name, index) => {
      if (!(name in properties)) {
        this.fail(["required", index], `"${name}" is required but not listed under properties`, `declare it: properties: {${name}: {type: string}}`);
      }
    });
    const fields: PayloadField[] = [];
    const byName = new Map<string, string>();
    Object.entries(properties).forEach(([jsonName, prop], index) => {
      const path = ["properties", jsonName];
      const name = pyIdentifier(jsonName, index);
      const clash = byName.get(name);
      if (clash !== undefined) {
        this.fail(path, `"${jsonName}" and "${clash}" both become the Python field "${name}"`, "rename one of them", true);
      }
      byName.set(name, jsonName);
      const isRequired = required.includes(jsonName);
      let pyType = this.pyType(prop, path);
      let defaultRepr: string | null = null;
      if (prop.default !== undefined) {
        if (isRequired) this.fail([...path, "default"], "a required property cannot have a default", `remove "${jsonName}" from required, or drop the default`);
        if (!accepts(prop, prop.default)) {
          this.fail([...path, "default"], `default ${JSON.stringify(prop.default)} does not match the property's ${prop.enum ? "enum" : "type"}`);
        }
        defaultRepr = pyLiteral(prop.default);
        if (prop.default === null && !pyType.split(" | ").includes("None")) pyType = `${pyType} | None`;
      } else if (!isRequired) {
        if (!pyType.split(" | ").includes("None") && pyType !== "Any") pyType = `${pyType} | None`;
        defaultRepr = "None";
      }
      fields.push({
        name,
        alias: name === jsonName ? null : jsonName,
        pyType,
        required: isRequired,
        description: prop.description ?? prop.title ?? null,
        defaultRepr,
        example: exampleOf(prop),
      });
    });
    return { className, description, fields, open: false };
  }
}

/**
 * The payload model of `topic` from its JSON Schema; an open model (any JSON object) when `schema`
 * is undefined. `where` maps a path inside the schema to "fastdapr.yaml:LINE:COL" for errors.
 */
export function payloadModel(topic: string, description: string, schema: PayloadSchema | undefined, where: SchemaLocation = () => "fastdapr.yaml"): PayloadModel {
  return new PayloadMapper(topic, where).model(schema, description);
}

/** The Python import lines the annotations of these payload models need, sorted. */
export function payloadImports(payloads: readonly PayloadModel[]): string[] {
  // string literals (Literal["date"]) are blanked first: they name no type
  const all = payloads
    .flatMap((p) => p.fields.map((f) => f.pyType))
    .join(" ")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const has = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(all);
  const lines: string[] = [];
  const dt = ["date", "datetime", "time"].filter(has);
  if (dt.length) lines.push(`from datetime import ${dt.join(", ")}`);
  const typing = ["Any", "Literal"].filter(has);
  if (typing.length) lines.push(`from typing import ${typing.join(", ")}`);
  if (has("UUID")) lines.push("from uuid import UUID");
  return lines;
}
