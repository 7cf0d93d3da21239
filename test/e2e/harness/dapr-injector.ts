// Dapr's own sidecar injector (built from the same Dapr module as daprd by scripts/provision-kube.sh)
// as a process on 127.0.0.1, registered with the control plane of ./kube.ts the way Dapr's Helm chart
// registers it: the chart's Service and MutatingWebhookConfiguration in dapr-system, the chart's
// `daprsystem` Configuration, and the environment the chart's Deployment template gives the
// injector, computed from Helm values (`--set dapr_sidecar_injector.<key>=<value>`).
//
// What differs from an in-cluster install: the injector runs as a process (with the administrator's
// kubeconfig rather than its RBAC-bound service account) and reaches Sentry on loopback instead of
// dapr-sentry.dapr-system.svc; the API server reaches it through ./kube.ts's egress proxy.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { ControlPlane } from "./kube.js";
import { spawnManaged, type ManagedProcess } from "./proc.js";
import type { Sentry } from "./sentry.js";
import { fetchT, freePort, tempDir, waitFor } from "./util.js";

export const DAPR_SYSTEM_NAMESPACE = "dapr-system";
/** the chart's default `global.mtls.controlPlaneTrustDomain` */
export const DAPR_CONTROL_PLANE_TRUST_DOMAIN = "cluster.local";
const INJECTOR_SERVICE = "dapr-sidecar-injector";
const WEBHOOK_CONFIGURATION = "dapr-sidecar-injector";

/**
 * The chart's Deployment template: which injector environment variable each
 * `dapr_sidecar_injector.<value>` sets (charts/dapr/charts/dapr_sidecar_injector/templates/
 * dapr_sidecar_injector_deployment.yaml). A Helm value not listed here is refused, so a documented
 * setting this harness cannot apply fails loudly instead of being ignored.
 */
const INJECTOR_ENV_OF_VALUE: Record<string, string> = {
  sidecarImagePullPolicy: "SIDECAR_IMAGE_PULL_POLICY",
  sidecarRunAsNonRoot: "SIDECAR_RUN_AS_NON_ROOT",
  sidecarReadOnlyRootFilesystem: "SIDECAR_READ_ONLY_ROOT_FILESYSTEM",
  sidecarDropALLCapabilities: "SIDECAR_DROP_ALL_CAPABILITIES",
  enableK8sDownwardAPIs: "ENABLE_K8S_DOWNWARD_APIS",
  nativeSidecar: "NATIVE_SIDECAR_ENABLED",
  kubeClusterDomain: "KUBE_CLUSTER_DOMAIN",
};
const VALUE_PREFIX = "dapr_sidecar_injector.";

export interface InjectorSettings {
  env: Record<string, string>;
  /** the webhook's failurePolicy (`dapr_sidecar_injector.webhookFailurePolicy`) */
  failurePolicy: string;
}

/**
 * The injector's environment as `helm install dapr dapr/dapr --set <helmValues>` renders it: the
 * chart's values.yaml defaults, overridden by the given values (names as `--set` takes them).
 */
export function injectorSettings(chartDir: string, daprVersion: string, helmValues: Record<string, string>): InjectorSettings {
  const values = parse(readFileSync(join(chartDir, "values.yaml"), "utf8")) as Record<string, unknown>;
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v !== "object" || v === null) merged[k] = String(v);
  for (const [name, value] of Object.entries(helmValues)) {
    const key = name.startsWith(VALUE_PREFIX) ? name.slice(VALUE_PREFIX.length) : undefined;
    if (!key || !(key in INJECTOR_ENV_OF_VALUE || key === "webhookFailurePolicy")) {
      throw new Error(`Helm value ${name} is not one the test harness maps to the sidecar injector (harness/dapr-injector.ts)`);
    }
    merged[key] = value;
  }
  const env: Record<string, string> = {};
  for (const [key, envName] of Object.entries(INJECTOR_ENV_OF_VALUE)) {
    if (merged[key] !== undefined && merged[key] !== "") env[envName] = merged[key];
  }
  return {
    env: {
      ...env,
      // global.registry/<image.name>:<global.tag>, as `dapr init -k` installs it
      SIDECAR_IMAGE: `daprio/daprd:${daprVersion}`,
      NAMESPACE: DAPR_SYSTEM_NAMESPACE,
      DAPR_CONTROL_PLANE_TRUST_DOMAIN: DAPR_CONTROL_PLANE_TRUST_DOMAIN,
      // global.actors defaults: actors on, placement at the chart's address
      ACTORS_ENABLED: "true",
      ACTORS_SERVICE_NAME: "placement",
      ACTORS_SERVICE_ADDRESS: "dapr-placement-server:50005",
    },
    failurePolicy: merged.webhookFailurePolicy ?? "Ignore",
  };
}

export interface DaprInjector {
  settings: InjectorSettings;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

/** the chart's objects in dapr-system that the injector and the API server need before it starts */
export async function installDaprControlPlaneObjects(cp: ControlPlane, failurePolicy: string): Promise<void> {
  const rt = cp.runtime;
  // every CRD the chart installs (charts/dapr/crds)
  await cp.kubectlOk(["apply", "--validate=strict", "-f", rt.daprCrds]);
  await cp.kubectlOk(["wait", "--for", "condition=established", "--timeout", "60s", "crd", "--all"]);
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: DAPR_SYSTEM_NAMESPACE } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: INJECTOR_SERVICE, namespace: DAPR_SYSTEM_NAMESPACE },
      spec: { selector: { app: "dapr-sidecar-injector" }, type: "ClusterIP", ports: [{ port: 443, targetPort: "https", protocol: "TCP", name: "https" }] },
    },
    {
      // charts/dapr/charts/dapr_config: the control plane's own Configuration, read by the injector
      apiVersion: "dapr.io/v1alpha1",
      kind: "Configuration",
      metadata: { name: "daprsystem", namespace: DAPR_SYSTEM_NAMESPACE },
      spec: {
        mtls: {
          enabled: true,
          workloadCertTTL: "24h",
          allowedClockSkew: "15m",
          controlPlaneTrustDomain: DAPR_CONTROL_PLANE_TRUST_DOMAIN,
          sentryAddress: `dapr-sentry.${DAPR_SYSTEM_NAMESPACE}.svc.cluster.local:443`,
        },
      },
    },
    webhookConfiguration(failurePolicy),
  ];
  await cp.kubectlOk(["apply", "-f", "-"], { input: objects.map((o) => stringify(o)).join("---\n") });
}

/**
 * charts/dapr/charts/dapr_sidecar_injector/templates/dapr_sidecar_injector_webhook_config.yaml with
 * the chart's default (empty) namespace and object selectors; the injector itself patches the
 * caBundle with Sentry's trust anchors once it has its certificate
 */
function webhookConfiguration(failurePolicy: string) {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: WEBHOOK_CONFIGURATION, labels: { app: "dapr-sidecar-injector" } },
    webhooks: [
      {
        name: "sidecar-injector.dapr.io",
        reinvocationPolicy: "IfNeeded",
        clientConfig: { service: { namespace: DAPR_SYSTEM_NAMESPACE, name: INJECTOR_SERVICE, path: "/mutate" } },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE"] }],
        failurePolicy,
        sideEffects: "None",
        admissionReviewVersions: ["v1", "v1beta1"],
      },
    ],
  };
}

/** the injector process, serving the webhook once Sentry has signed its certificate */
export async function startInjector(cp: ControlPlane, sentry: Sentry, settings: InjectorSettings): Promise<DaprInjector> {
  const dir = tempDir("dapr-injector");
  const trustAnchors = join(dir, "ca.crt");
  writeFileSync(trustAnchors, sentry.trustAnchors);
  const port = await freePort();
  // 1.18.2 binds its healthz server on every interface (no listen-address option reaches it)
  const healthzPort = await freePort();
  const proc = spawnManaged({
    name: `dapr-injector-${port}`,
    command: cp.runtime.daprInjector,
    args: [
      "--kubeconfig",
      cp.kubeconfig,
      "--listen-address",
      "127.0.0.1",
      "--port",
      String(port),
      "--healthz-port",
      String(healthzPort),
      "--enable-metrics=false",
      "--log-level",
      "info",
    ],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...settings.env,
      DAPR_TRUST_ANCHORS_FILE: trustAnchors,
      DAPR_SENTRY_ADDRESS: sentry.address,
      // the injector refuses uid 0 in Kubernetes mode (in a cluster its container runs as non-root)
      DAPR_UNSAFE_SKIP_CONTAINER_UID_GID_CHECK: "true",
    },
  });
  await cp.routeService(DAPR_SYSTEM_NAMESPACE, INJECTOR_SERVICE, 443, port);
  // healthy = certificate from Sentry, webhook served, and caBundle patched into the configuration
  await waitFor("dapr injector /healthz", async () => (await fetchT(`http://127.0.0.1:${healthzPort}/healthz`, { timeoutMs: 2000 })).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 300,
    abortIf: () => (proc.hasExited() ? `dapr injector exited:\n${proc.logs().slice(-6000)}` : undefined),
  });
  return { settings, proc, stop: () => proc.stop(5000) };
}
