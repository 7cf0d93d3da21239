// How the cluster's Dapr control plane must be installed for the generated Deployments, as data:
// the generated READMEs print these commands, the docs quote them (test/unit/dapr-install.test.ts
// checks both) and the Kubernetes tests install Dapr with the same values.
//
// Why the value: Pod Security "restricted" requires every container, the injected daprd included,
// to drop ALL capabilities, and Dapr's injector adds `capabilities.drop: [ALL]` to daprd only when
// installed with dapr_sidecar_injector.sidecarDropALLCapabilities=true (env
// SIDECAR_DROP_ALL_CAPABILITIES; default false in Dapr 1.18.2's chart, no per-pod annotation).
// The rest of restricted is met without install settings: daprd runs as non-root with no privilege
// escalation by default, and the seccomp profile comes from the pod's securityContext and the
// `dapr.io/sidecar-seccomp-profile-type` annotation the Deployments carry.
import { DAPR_RUNTIME_VERSION } from "./versions.js";
import { DAPR_CONTROL_PLANE } from "./render/network-policies.js";

/** Dapr's Helm chart and the release `dapr init -k` installs (dapr/cli pkg/kubernetes). */
export const DAPR_HELM = {
  repoName: "dapr",
  repoUrl: "https://dapr.github.io/helm-charts/",
  chart: "dapr/dapr",
  release: "dapr",
  namespace: DAPR_CONTROL_PLANE.namespace,
  version: DAPR_RUNTIME_VERSION,
  /** `--set` values the generated pods need (see above). */
  values: { "dapr_sidecar_injector.sidecarDropALLCapabilities": "true" } as Record<string, string>,
} as const;

/** The labels of a namespace that enforces (and warns about) Pod Security "restricted". */
export const POD_SECURITY_RESTRICTED = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
} as const;

const setFlags = (): string =>
  Object.entries(DAPR_HELM.values)
    .map(([key, value]) => `--set ${key}=${value}`)
    .join(" ");

/** With the Dapr CLI. */
export function daprInitCommand(): string {
  return `dapr init -k --runtime-version ${DAPR_HELM.version} ${setFlags()} --wait`;
}

/** The same with Helm. */
export function helmInstallCommands(): string[] {
  return [
    `helm repo add ${DAPR_HELM.repoName} ${DAPR_HELM.repoUrl} && helm repo update`,
    `helm upgrade --install ${DAPR_HELM.release} ${DAPR_HELM.chart} --version ${DAPR_HELM.version} ` + `--namespace ${DAPR_HELM.namespace} --create-namespace --wait ${setFlags()}`,
  ];
}

/** Creating the application namespace with the Pod Security labels. */
export function restrictedNamespaceCommands(namespace: string): string[] {
  const labels = Object.entries(POD_SECURITY_RESTRICTED)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  return [`kubectl create namespace ${namespace}`, `kubectl label namespace ${namespace} ${labels}`];
}

/** Everything a README prints, in one object for the templates. */
export function daprInstall(namespace: string): { version: string; init: string; helm: string[]; namespace: string[] } {
  return { version: DAPR_HELM.version, init: daprInitCommand(), helm: helmInstallCommands(), namespace: restrictedNamespaceCommands(namespace) };
}
