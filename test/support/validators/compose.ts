// docker-compose.yml: the pinned Compose Specification schema (ajv) plus daprd-sidecar and depends_on rules.
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { makeAjv } from "./ajv.js";
import { type JsonObject, type Problem, asObject, formatAjvError, isObject, parseYamlDocs, schemaPath } from "./common.js";

let composeValidator: ValidateFunction | undefined;

function compileCompose(): ValidateFunction {
  if (composeValidator) return composeValidator;
  const schema = JSON.parse(readFileSync(schemaPath("compose-spec.json"), "utf8")) as JsonObject;
  delete schema.$schema; // ajv does not know the draft-07 id spelled https://json-schema.org/draft-07/schema
  composeValidator = makeAjv().compile(schema);
  return composeValidator;
}

function dependsOnTargets(dep: unknown): string[] {
  if (Array.isArray(dep)) return dep.map(String);
  if (isObject(dep)) return Object.keys(dep);
  return [];
}

function commandArgs(cmd: unknown): string[] {
  if (Array.isArray(cmd)) return cmd.map(String);
  if (typeof cmd === "string") return cmd.split(/\s+/).filter(Boolean);
  return [];
}

/** Flag present as `--flag`, `-flag`, `--flag=x` or `-flag=x` (daprd uses Go's flag package). */
function hasFlag(args: string[], flag: string): boolean {
  return args.some((a) => a === `--${flag}` || a === `-${flag}` || a.startsWith(`--${flag}=`) || a.startsWith(`-${flag}=`));
}

export function validateComposeYaml(file: string, text: string): Problem[] {
  const { docs, problems } = parseYamlDocs(file, text);
  if (docs.length !== 1) {
    if (problems.length === 0) problems.push({ file, rule: "compose-schema", message: `expected exactly one YAML document, got ${docs.length}` });
    return problems;
  }
  const doc = docs[0]!.value;
  const report = (rule: string, message: string) => problems.push({ file, rule, message });
  const validate = compileCompose();
  if (!validate(doc)) {
    for (const e of validate.errors ?? []) {
      report(e.keyword === "additionalProperties" ? "compose-unknown-field" : "compose-schema", formatAjvError(e));
    }
  }
  const services = asObject(asObject(doc).services);
  const names = new Set(Object.keys(services));
  for (const [svcName, raw] of Object.entries(services)) {
    const svc = asObject(raw);
    for (const t of dependsOnTargets(svc.depends_on)) {
      if (!names.has(t)) report("compose-depends-on-missing", `service "${svcName}" depends_on "${t}", which is not defined`);
    }
    if (typeof svc.image === "string" && /:latest$/.test(svc.image)) {
      report("image-latest-tag", `service "${svcName}": image "${svc.image}" uses the :latest tag`);
    }
    if (typeof svc.image === "string" && svc.image.startsWith("daprio/daprd")) {
      const nm = svc.network_mode;
      const m = typeof nm === "string" ? /^service:(.+)$/.exec(nm) : null;
      if (!m) report("compose-daprd-network-mode", `daprd sidecar "${svcName}" must use network_mode: "service:<app>", got ${JSON.stringify(nm)}`);
      else if (!names.has(m[1]!)) report("compose-daprd-network-mode", `daprd sidecar "${svcName}" network_mode points at missing service "${m[1]}"`);
      const args = commandArgs(svc.command);
      for (const flag of ["app-id", "app-port", "resources-path"]) {
        if (!hasFlag(args, flag)) report("compose-daprd-command", `daprd sidecar "${svcName}" command lacks --${flag}`);
      }
    }
  }
  return problems;
}
