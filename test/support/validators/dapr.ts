// Dapr resources (Component, Configuration, Resiliency, Subscription v1alpha1/v2alpha1, HTTPEndpoint)
// against the pinned CRD schemas made strict, plus rules the schemas cannot express.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ValidateFunction } from "ajv";
import { parse } from "yaml";
import { makeAjv } from "./ajv.js";
import { type JsonObject, type Problem, asArray, asObject, describeDoc, formatAjvError, isObject, parseYamlDocs, schemaPath, schemasDir } from "./common.js";

/** The CRD folder of the schemas dir: `dapr-crds-v<version>` (1.18.3 in shared/, the built daprd's when provisioned). */
export function daprCrdDir(): string {
  const found = readdirSync(schemaPath("")).filter((name) => name.startsWith("dapr-crds-v"));
  if (found.length !== 1) throw new Error(`expected one dapr-crds-v* folder in ${schemasDir()}, found ${found.length}`);
  return found[0]!;
}

/**
 * Make an openAPIV3Schema strict: `additionalProperties: false` wherever `properties` exist, unless the node
 * keeps unknown fields (`x-kubernetes-preserve-unknown-fields`) or already defines `additionalProperties`.
 */
export function makeStrict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(makeStrict);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "properties" && isObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, makeStrict(pv)]));
    } else if (k === "enum" || k === "required" || k === "default" || k === "example") {
      out[k] = v;
    } else {
      out[k] = makeStrict(v);
    }
  }
  if (isObject(out.properties) && out["x-kubernetes-preserve-unknown-fields"] !== true && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** ObjectMeta is not described by the CRDs: require a name, keep the rest open. */
const OBJECT_META = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1 },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
  },
};

let validators: Map<string, ValidateFunction> | undefined;

/** "dapr.io/v1alpha1/Component" → compiled strict validator, built once from the CRD YAML files. */
export function daprValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const dir = schemaPath(daprCrdDir());
  const ajv = makeAjv();
  const map = new Map<string, ValidateFunction>();
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith(".yaml"))
    .sort()) {
    const crd = asObject(parse(readFileSync(path.join(dir, f), "utf8")));
    const spec = asObject(crd.spec);
    const group = String(spec.group);
    const kind = String(asObject(spec.names).kind);
    for (const ver of asArray(spec.versions).map(asObject)) {
      if (ver.served === false) continue;
      const raw = asObject(asObject(ver.schema).openAPIV3Schema);
      const strict = asObject(makeStrict(raw));
      const props = { ...asObject(strict.properties), metadata: OBJECT_META };
      const schema = { ...strict, properties: props, required: ["apiVersion", "kind", "metadata", "spec"] };
      map.set(`${group}/${String(ver.name)}/${kind}`, ajv.compile(schema));
    }
  }
  validators = map;
  return map;
}

/** Validate one (multi-document) YAML file of Dapr resources. */
export function validateDaprResourceYaml(file: string, text: string): Problem[] {
  const { docs, problems } = parseYamlDocs(file, text);
  for (const d of docs) problems.push(...validateDaprObject(file, d.value, d.index));
  return problems;
}

/**
 * Component metadata names that carry secrets: the name ends in password/passwd/key/token/secret/
 * connectionString (redisPassword, saslPassword, clientKey, accessKey, apiKey, authToken, clientSecret,
 * connectionString). Ending-based, so keyPrefix, secretsFile, tokenAudience, keyName don't match; a few
 * well-known non-secret "…Key" names are excluded explicitly.
 */
const NOT_SECRET_META = new Set(["partitionkey", "routingkey", "publickey", "keyprefix"]);
export function isSecretMetadataName(name: string): boolean {
  if (NOT_SECRET_META.has(name.toLowerCase())) return false;
  return /(password|passwd|key|token|secret|connectionstring)$/i.test(name);
}

/**
 * A connection string is a secret when it carries a password: libpq's `password=…` or a URL's
 * `user:password@`. Without one (a development server that trusts its network, or PGPASSWORD in
 * daprd's environment) it is an address like redisHost.
 */
export function connectionStringHasPassword(value: string): boolean {
  return /(^|[\s;])password\s*=\s*[^\s;]/i.test(value) || /:\/\/[^/@\s]*:[^/@\s]+@/.test(value);
}

export function validateDaprObject(file: string, value: unknown, index: number): Problem[] {
  const problems: Problem[] = [];
  if (!isObject(value)) return [{ file, rule: "dapr-not-object", message: `document ${index} is not a mapping` }];
  const label = describeDoc(value, index);
  const report = (rule: string, message: string) => problems.push({ file, rule, message: `${label}: ${message}` });
  const validate = daprValidators().get(`${String(value.apiVersion)}/${String(value.kind)}`);
  if (!validate) {
    report("dapr-unknown-kind", `not a Dapr resource kind known to the CRDs: ${String(value.apiVersion)} ${String(value.kind)}`);
    return problems;
  }
  if (!validate(value)) {
    for (const e of validate.errors ?? []) {
      const rule =
        e.keyword === "additionalProperties"
          ? "dapr-unknown-field"
          : e.instancePath.startsWith("/metadata") || (e.instancePath === "" && e.params.missingProperty === "metadata")
            ? "dapr-metadata-name"
            : "dapr-schema";
      report(rule, formatAjvError(e));
    }
  }
  const spec = asObject(value.spec);
  if (value.kind === "Component") checkComponent(spec, report);
  if (value.kind === "Configuration") checkConfiguration(spec, report);
  return problems;
}

function checkComponent(spec: JsonObject, report: (rule: string, message: string) => void): void {
  const items = asArray(spec.metadata).map(asObject);
  const seen = new Set<string>();
  for (const it of items) {
    const n = String(it.name ?? "");
    if (seen.has(n)) report("component-metadata-duplicate", `spec.metadata has "${n}" more than once`);
    seen.add(n);
  }
  const byName = new Map(items.map((it) => [String(it.name ?? ""), it] as const));
  if (spec.type === "pubsub.kafka") {
    if (!byName.has("authType")) report("kafka-auth-type", 'pubsub.kafka requires metadata "authType" (none|password|mtls|certificate|oidc|awsiam)');
    if (byName.has("authRequired")) report("kafka-auth-required", 'pubsub.kafka: "authRequired" is deprecated; use "authType"');
  }
  for (const it of items) {
    const n = String(it.name ?? "");
    if (!isSecretMetadataName(n)) continue;
    const v = it.value;
    if (v === undefined || v === null || v === "") continue; // secretKeyRef / envRef / empty
    if (/connectionstring$/i.test(n) && typeof v === "string" && !connectionStringHasPassword(v)) continue;
    report("component-inline-secret", `spec.metadata "${n}" has an inline value; use secretKeyRef (or envRef)`);
  }
  for (const it of items) {
    const sources = ["value", "secretKeyRef", "envRef"].filter((k) => it[k] !== undefined);
    if (sources.length > 1) report("component-metadata-source", `spec.metadata "${String(it.name)}" sets more than one of ${sources.join(", ")}`);
  }
}

function checkConfiguration(spec: JsonObject, report: (rule: string, message: string) => void): void {
  const policies = asArray(asObject(spec.accessControl).policies).map(asObject);
  policies.forEach((p, i) => {
    for (const k of ["appId", "trustDomain", "namespace"]) {
      if (typeof p[k] !== "string" || p[k] === "")
        report("acl-policy-fields", `spec.accessControl.policies[${i}].${k} is required (a missing field makes the whole Configuration invalid)`);
    }
  });
  const tracing = asObject(spec.tracing);
  if (tracing.samplingRate !== undefined && typeof tracing.samplingRate !== "string") {
    report("tracing-sampling-rate-string", `spec.tracing.samplingRate must be a string (e.g. "1"), got ${JSON.stringify(tracing.samplingRate)}`);
  }
}
