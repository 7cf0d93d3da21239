// Offline validators for every structured file fastdapr generates. See README.md for the rule list.
import path from "node:path";
import { type JsonObject, type Problem, isObject, parseYamlDocs } from "./common.js";
import { validateComposeYaml } from "./compose.js";
import { validateDaprObject, validateDaprResourceYaml } from "./dapr.js";
import { validateDockerfile } from "./dockerfile.js";
import { kubernetesSetProblems, setDaprObjectValidator, validateKubernetesObject, validateKubernetesYaml } from "./kubernetes.js";

setDaprObjectValidator(validateDaprObject);

export type { Problem } from "./common.js";
export { schemasDir, looksLikeSecretName } from "./common.js";
export type { KubernetesOptions } from "./kubernetes.js";
export type { DockerfileOptions } from "./dockerfile.js";
export { validateKubernetesYaml, validateDaprResourceYaml, validateComposeYaml, validateDockerfile };

export interface FileInput {
  file: string;
  text: string;
}

const isDockerfileName = (base: string) => /^dockerfile($|\.)/i.test(base) || /\.dockerfile$/i.test(base);
const isComposeName = (base: string) => /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(base);
const isKustomization = (base: string) => /^kustomization\.ya?ml$/i.test(base) || base === "Kustomization";

/** Objects that are not Kubernetes API resources and are skipped (kustomize config). */
function isSkippedObject(v: JsonObject): boolean {
  return typeof v.apiVersion === "string" && v.apiVersion.startsWith("kustomize.config.k8s.io/");
}

/**
 * Pick a validator by file name, then by content: Dockerfile → validateDockerfile; (docker-)compose*.yml →
 * validateComposeYaml; kustomization.yaml → []; other YAML: documents with apiVersion/kind go to the Dapr
 * (dapr.io/*) or Kubernetes validator, a single document with a `services` map to compose. Anything else → [].
 */
export function validateFile(file: string, text: string): Problem[] {
  const base = path.basename(file);
  if (isDockerfileName(base)) return validateDockerfile(file, text);
  if (isKustomization(base)) return [];
  if (isComposeName(base)) return validateComposeYaml(file, text);
  if (!/\.ya?ml$/i.test(base)) return [];
  const { docs, problems } = parseYamlDocs(file, text);
  if (problems.length > 0) return problems;
  const objects = docs.filter((d) => isObject(d.value) && ("apiVersion" in d.value || "kind" in d.value));
  if (objects.length > 0) {
    for (const d of docs) {
      if (isObject(d.value) && isSkippedObject(d.value)) continue;
      problems.push(...validateKubernetesObject(file, d.value, d.index));
    }
    return problems;
  }
  if (docs.length === 1 && isObject(docs[0]!.value) && isObject(docs[0]!.value.services)) return validateComposeYaml(file, text);
  return [];
}

/**
 * Validate a rendered set of files (e.g. one kustomize overlay, or a whole generated tree): every file with
 * validateFile, plus cross-object Kubernetes rules (Service selector/targetPort → Deployment, HPA/PDB targets,
 * no spec.replicas when an HPA owns the Deployment).
 */
export function validateKubernetesSet(files: FileInput[]): Problem[] {
  const problems: Problem[] = [];
  const objects: { file: string; value: JsonObject; index: number }[] = [];
  for (const { file, text } of files) {
    problems.push(...validateFile(file, text));
    const base = path.basename(file);
    if (!/\.ya?ml$/i.test(base) || isKustomization(base) || isComposeName(base)) continue;
    for (const d of parseYamlDocs(file, text).docs) {
      if (isObject(d.value) && typeof d.value.kind === "string" && !isSkippedObject(d.value)) objects.push({ file, value: d.value, index: d.index });
    }
  }
  problems.push(...kubernetesSetProblems(objects));
  return problems;
}
