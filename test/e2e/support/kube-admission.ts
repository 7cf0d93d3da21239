// Support for test/e2e/kubernetes-admission.test.ts: how users are told to install Dapr, the
// generated platform and service, and what an injected Pod must carry for the annotations the
// generator wrote.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { runCli } from "../../support/cli.js";
import { DAPR_HELM } from "../../../src/dapr-install.js";

/**
 * The Helm values the generated docs tell users to install Dapr's control plane with
 * (`helm install dapr dapr/dapr --set <name>=<value>` / `dapr init -k --set ...`): the generator's
 * own data (src/dapr-install.ts), so the docs and this test cannot disagree. Restricted Pod
 * Security refuses the injected daprd container unless it drops every capability, and only the
 * control plane's install decides that (there is no per-pod annotation).
 */
export const DOCUMENTED_DAPR_HELM_VALUES: Readonly<Record<string, string>> = DAPR_HELM.values;

export const NEW_SERVICE = "orders-service";

export interface GeneratedProject {
  /** the LearnFlow platform root (`fastdapr init learnflow --preset learnflow`) */
  platform: string;
  /** a lone service (`fastdapr new`) */
  service: string;
  cleanup(): void;
}

export async function generateProject(): Promise<GeneratedProject> {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-kube-e2e-"));
  const init = await runCli(["init", "learnflow", "--preset", "learnflow", "--json"], cwd);
  if (init.code !== 0) throw new Error(`fastdapr init failed: ${init.stdout}${init.stderr}`);
  const made = await runCli(["new", NEW_SERVICE, "--subscribe", "orders.created", "--publish", "orders.shipped", "--state-key", "order:{order_id}", "--json"], cwd);
  if (made.code !== 0) throw new Error(`fastdapr new failed: ${made.stdout}${made.stderr}`);
  return {
    platform: join(cwd, "learnflow"),
    service: join(cwd, NEW_SERVICE),
    cleanup: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

/** the namespace a kustomization sets (`namespace:`), if any */
export function kustomizationNamespace(dir: string): string | undefined {
  const k = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as { namespace?: string };
  return k.namespace;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export function parseObjects(yamlStream: string): K8sObject[] {
  return parseAllDocuments(yamlStream)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
}

export interface Pod {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string }[] };
  spec: { containers: Container[]; initContainers?: Container[] };
  status: { phase: string };
}

function argAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Every difference between what the generated Deployment's annotations ask of the sidecar and the
 * daprd container the injector put into the Pod; empty when the Pod carries them all.
 */
export function sidecarMismatches(pod: Pod, annotations: Record<string, string>, sidecarImage: string): string[] {
  const problems: string[] = [];
  const daprd = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === "daprd");
  if (!daprd) return [`no daprd container (containers: ${pod.spec.containers.map((c) => c.name).join(", ")})`];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) problems.push(`${what}: ${JSON.stringify(actual)}, want ${JSON.stringify(wanted)}`);
  };
  const args = daprd.args ?? [];
  expect("image", daprd.image, sidecarImage);
  expect("--app-id", argAfter(args, "--app-id"), annotations["dapr.io/app-id"]);
  expect("--app-port", argAfter(args, "--app-port"), annotations["dapr.io/app-port"]);
  expect("--config", argAfter(args, "--config"), annotations["dapr.io/config"]);
  const resources = daprd.resources ?? {};
  for (const [annotation, actual] of [
    ["dapr.io/sidecar-cpu-request", resources.requests?.cpu],
    ["dapr.io/sidecar-memory-request", resources.requests?.memory],
    ["dapr.io/sidecar-cpu-limit", resources.limits?.cpu],
    ["dapr.io/sidecar-memory-limit", resources.limits?.memory],
  ] as const) {
    if (annotations[annotation] !== undefined) expect(annotation, actual, annotations[annotation]);
  }
  const env = new Map((daprd.env ?? []).map((e) => [e.name, e]));
  for (const [annotation, variable] of [
    ["dapr.io/api-token-secret", "DAPR_API_TOKEN"],
    ["dapr.io/app-token-secret", "APP_API_TOKEN"],
  ] as const) {
    if (annotations[annotation] !== undefined) {
      const ref = env.get(variable)?.valueFrom?.secretKeyRef;
      expect(`${variable} from Secret`, ref && { name: ref.name, key: ref.key }, { name: annotations[annotation], key: "token" });
    }
  }
  for (const pair of (annotations["dapr.io/env"] ?? "").split(",").filter(Boolean)) {
    const [name, value] = pair.split("=", 2) as [string, string];
    expect(`env ${name}`, env.get(name.trim())?.value, value.trim());
  }
  const sc = daprd.securityContext ?? {};
  expect("capabilities.drop", sc.capabilities?.drop, ["ALL"]);
  expect("allowPrivilegeEscalation", sc.allowPrivilegeEscalation, false);
  expect("runAsNonRoot", sc.runAsNonRoot, true);
  expect("readOnlyRootFilesystem", sc.readOnlyRootFilesystem, true);
  if (annotations["dapr.io/sidecar-seccomp-profile-type"] !== undefined) {
    expect("seccompProfile", sc.seccompProfile?.type, annotations["dapr.io/sidecar-seccomp-profile-type"]);
  }
  return problems;
}
