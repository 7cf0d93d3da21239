// Shared types and helpers for the offline validators used by the test suite.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** One finding. `rule` is a stable id (see README.md in this folder); `message` is human-readable. */
export interface Problem {
  file: string;
  rule: string;
  message: string;
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asObject(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

/** Repository root: this file lives in <root>/test/support/validators/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Directory holding the schemas (compose-spec.json, dapr-crds-v<version>/), first found of:
 * FASTDAPR_SHARED_DIR (the `shared` directory, or a schemas folder itself); `<repoRoot>/../shared/schemas`
 * (the pinned copies; CI clones the repo next to shared/); `$FASTDAPR_CACHE/schemas` (written by
 * scripts/provision.sh from the Go module proxy, so a clone anywhere can run the suite).
 */
export function schemasDir(): string {
  const override = process.env.FASTDAPR_SHARED_DIR;
  if (override) {
    const base = path.resolve(REPO_ROOT, override);
    if (existsSync(path.join(base, "compose-spec.json"))) return base;
    return path.join(base, "schemas");
  }
  const shared = path.resolve(REPO_ROOT, "../shared/schemas");
  if (existsSync(shared)) return shared;
  return path.join(process.env.FASTDAPR_CACHE ?? path.join(os.homedir(), ".cache", "fastdapr"), "schemas");
}

/** Path of a pinned schema file/folder; throws a clear error when shared/ is not beside the repo. */
export function schemaPath(rel: string): string {
  const p = path.join(schemasDir(), rel);
  if (!existsSync(p)) {
    throw new Error(`pinned schema ${rel} not found at ${p}: run scripts/provision.sh, put a copy of shared/ beside the repo, or set FASTDAPR_SHARED_DIR`);
  }
  return p;
}

export interface ParsedDoc {
  index: number;
  value: unknown;
}

/** Parse multi-document YAML; syntax errors and duplicate keys become `yaml-parse` problems. */
export function parseYamlDocs(file: string, text: string): { docs: ParsedDoc[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const docs: ParsedDoc[] = [];
  let index = 0;
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    const i = index++;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push({ file, rule: "yaml-parse", message: `document ${i}: ${e.message}` });
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // empty document (e.g. trailing ---)
    docs.push({ index: i, value });
  }
  return { docs, problems };
}

/** "name: value" label for a document in messages. */
export function describeDoc(obj: JsonObject, index: number): string {
  const kind = typeof obj.kind === "string" ? obj.kind : "?";
  const name = typeof asObject(obj.metadata).name === "string" ? String(asObject(obj.metadata).name) : `#${index}`;
  return `${kind}/${name}`;
}

/**
 * Env-var / ENV / ARG names that look like secrets: a `_`-separated segment is KEY, TOKEN, PASSWORD,
 * PASSWD, SECRET, APIKEY, CREDENTIAL(S) or PRIVATE_KEY, unless the last segment says the variable only
 * names or locates the secret (…_NAME, …_STORE, …_PATH, …_FILE, …_DIR, …_REF, …_HEADER).
 * So OPENAI_API_KEY, DAPR_API_TOKEN, DB_PASSWORD match; LLM_MAX_TOKENS, SECRET_STORE_NAME don't.
 */
export function looksLikeSecretName(name: string): boolean {
  const segs = name
    .toUpperCase()
    .split(/[_\-.]/)
    .filter(Boolean);
  if (segs.length === 0) return false;
  const last = segs[segs.length - 1]!;
  if (["NAME", "STORE", "PATH", "FILE", "DIR", "REF", "HEADER"].includes(last)) return false;
  return segs.some((s) => ["KEY", "TOKEN", "PASSWORD", "PASSWD", "SECRET", "APIKEY", "CREDENTIAL", "CREDENTIALS"].includes(s));
}

/** True when an image reference has no tag/digest or uses `:latest`. */
export function imageTagProblem(image: string): string | null {
  if (image.includes("@")) return null; // pinned by digest
  const lastSlash = image.lastIndexOf("/");
  const nameAndTag = image.slice(lastSlash + 1);
  const colon = nameAndTag.indexOf(":");
  if (colon < 0) return `image "${image}" has no tag (implies :latest)`;
  const tag = nameAndTag.slice(colon + 1);
  if (tag === "latest") return `image "${image}" uses the :latest tag`;
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) return `image "${image}" has an invalid tag "${tag}"`;
  return null;
}

/** Human-readable text for an ajv-style error (works for standalone-compiled validators without `message`). */
export interface AjvLikeError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export function formatAjvError(e: AjvLikeError): string {
  const at = e.instancePath || "/";
  if (e.keyword === "additionalProperties") return `${at}: unknown field "${String(e.params.additionalProperty)}"`;
  if (e.keyword === "required") return `${at}: missing required field "${String(e.params.missingProperty)}"`;
  if (e.message) return `${at}: ${e.message}`;
  return `${at}: ${e.keyword} ${JSON.stringify(e.params)}`;
}
