// Kubernetes manifests of one service (k8s/): Deployment with the Dapr annotations, Service,
// ConfigMap, ServiceAccount, HPA, PDB and a kustomization that ties them together.
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import { commonLabels, selectorLabels } from "./labels.js";
import { toYaml } from "./yaml.js";
import { API_TOKEN_SECRET, APP_TOKEN_SECRET, serviceConfig, serviceSecrets } from "./environment.js";
import { daprResourcesForKubernetes } from "./dapr-resources.js";
import { loneServicePolicies } from "./network-policies.js";

/** UID/GID of the non-root user in the image (Dockerfile) and in the pod security context. */
export const APP_UID = 10001;

/** Roughly 90 % of the sidecar memory limit, so the Go runtime collects before the OOM killer acts. */
function goMemLimit(limit: string): string {
  const mib = limit.endsWith("Gi") ? Number(limit.slice(0, -2)) * 1024 : Number(limit.replace(/Mi$/, ""));
  return `${Math.floor(mib * 0.9)}MiB`;
}

export function daprAnnotations(svc: ServiceModel): Record<string, string> {
  const sidecar = svc.sidecarResources;
  return {
    "dapr.io/enabled": "true",
    "dapr.io/app-id": svc.appId,
    "dapr.io/app-port": String(svc.port),
    "dapr.io/app-protocol": "http",
    "dapr.io/config": svc.daprConfig,
    "dapr.io/enable-app-health-check": "true",
    "dapr.io/app-health-check-path": "/livez",
    "dapr.io/log-as-json": "true",
    "dapr.io/sidecar-cpu-request": sidecar.cpuRequest,
    "dapr.io/sidecar-cpu-limit": sidecar.cpuLimit,
    "dapr.io/sidecar-memory-request": sidecar.memoryRequest,
    "dapr.io/sidecar-memory-limit": sidecar.memoryLimit,
    "dapr.io/env": `GOMEMLIMIT=${goMemLimit(sidecar.memoryLimit)}`,
    // the injected daprd container gets no seccomp profile unless asked (restricted PSS needs one)
    "dapr.io/sidecar-seccomp-profile-type": "RuntimeDefault",
    "dapr.io/graceful-shutdown-seconds": "20",
    "dapr.io/api-token-secret": API_TOKEN_SECRET,
    "dapr.io/app-token-secret": APP_TOKEN_SECRET,
    // The pod mounts no service-account token (automountServiceAccountToken: false), and daprd's
    // built-in Kubernetes secret store needs one: without this, daprd exits at start on a real
    // cluster ("secretstores.kubernetes/v1 ... stat /.kube/config"). Components' secretKeyRefs
    // do not need it: the Dapr operator resolves them before daprd receives the components.
    "dapr.io/disable-builtin-k8s-secret-store": "true",
  };
}

function deployment(svc: ServiceModel): object {
  const probe = (path: string, extra: object) => ({ httpGet: { path, port: "http" }, ...extra });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: svc.name, labels: commonLabels(svc) },
    spec: {
      // no `replicas`: the HorizontalPodAutoscaler owns the count (min 2)
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(svc) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: commonLabels(svc), annotations: daprAnnotations(svc) },
        spec: {
          serviceAccountName: svc.name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            fsGroup: APP_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((key) => ({
            maxSkew: 1,
            topologyKey: key,
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: selectorLabels(svc) },
          })),
          containers: [
            {
              name: "app",
              image: svc.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: svc.port, protocol: "TCP" }],
              envFrom: [{ configMapRef: { name: `${svc.name}-config` } }],
              env: serviceSecrets(svc).map((s) => ({
                name: s.env,
                valueFrom: { secretKeyRef: { name: s.secret, key: s.key, optional: s.optional } },
              })),
              resources: {
                requests: { cpu: svc.resources.cpuRequest, memory: svc.resources.memoryRequest },
                limits: { cpu: svc.resources.cpuLimit, memory: svc.resources.memoryLimit },
              },
              startupProbe: probe("/livez", { periodSeconds: 2, failureThreshold: 30 }),
              livenessProbe: probe("/livez", { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 }),
              readinessProbe: probe("/readyz", { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 }),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: APP_UID,
                runAsGroup: APP_UID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
  };
}

function service(svc: ServiceModel): object {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: svc.name, labels: commonLabels(svc) },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(svc),
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    },
  };
}

function configMap(svc: ServiceModel): object {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${svc.name}-config`, labels: commonLabels(svc) },
    data: serviceConfig(svc, "kubernetes"),
  };
}

function serviceAccount(svc: ServiceModel): object {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: svc.name, labels: commonLabels(svc) },
    automountServiceAccountToken: false,
  };
}

export const HPA_DEFAULTS = { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 };

function hpa(svc: ServiceModel): object {
  const utilization = (name: string, averageUtilization: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization } },
  });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: `${svc.name}-hpa`, labels: commonLabels(svc) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: svc.name },
      minReplicas: HPA_DEFAULTS.minReplicas,
      maxReplicas: HPA_DEFAULTS.maxReplicas,
      // utilization is computed over every container's requests, the daprd sidecar's included:
      // its request annotations are what make these metrics work at all
      metrics: [utilization("cpu", HPA_DEFAULTS.cpuUtilization), utilization("memory", HPA_DEFAULTS.memoryUtilization)],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 300,
          policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
        },
      },
    },
  };
}

function pdb(svc: ServiceModel): object {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: `${svc.name}-pdb`, labels: commonLabels(svc) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(svc) } },
  };
}

/** The workload objects of one service, by file name (no Dapr resources, no autoscaling). */
export function workloadObjects(svc: ServiceModel): Record<string, object> {
  return {
    "deployment.yaml": deployment(svc),
    "service.yaml": service(svc),
    "configmap.yaml": configMap(svc),
    "serviceaccount.yaml": serviceAccount(svc),
  };
}

/** Autoscaling and disruption budget: production only in a platform, always for a lone service. */
export function scalingObjects(svc: ServiceModel): Record<string, object> {
  return { "hpa.yaml": hpa(svc), "pdb.yaml": pdb(svc) };
}

export function kustomization(resources: string[], extra: object = {}): string {
  return toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", ...extra, resources });
}

/**
 * The Secrets a lone service's k8s/ reads, in order of first use: the app's (Deployment env) and the
 * components' (k8s/dapr). A Secret is optional when every reference to it is.
 */
export function kubernetesSecrets(svc: ServiceModel): { name: string; keys: string[]; optional: boolean }[] {
  const found = new Map<string, { name: string; keys: string[]; optional: boolean }>();
  const use = (name: string, key: string, optional: boolean) => {
    const secret = found.get(name) ?? { name, keys: [], optional };
    if (!secret.keys.includes(key)) secret.keys.push(key);
    secret.optional &&= optional;
    found.set(name, secret);
  };
  for (const s of serviceSecrets(svc)) use(s.secret, s.key, s.optional);
  for (const doc of Object.values(daprResourcesForKubernetes(svc))) {
    if (doc.kind !== "Component") continue;
    for (const item of doc.spec.metadata) if ("secretKeyRef" in item) use(item.secretKeyRef.name, item.secretKeyRef.key, false);
  }
  return [...found.values()];
}

export function renderKubernetes(svc: ServiceModel, tree: Tree): void {
  const dapr = daprResourcesForKubernetes(svc);
  const files: Record<string, object> = {
    ...workloadObjects(svc),
    ...scalingObjects(svc),
    ...loneServicePolicies(svc, Object.values(dapr)),
  };
  for (const [name, doc] of Object.entries(files)) tree.add(`k8s/${name}`, toYaml(doc), "generated");
  for (const [name, doc] of Object.entries(dapr)) tree.add(`k8s/dapr/${name}`, toYaml(doc), "generated");
  const resources = [...Object.keys(files), ...Object.keys(dapr).map((n) => `dapr/${n}`)];
  tree.add("k8s/kustomization.yaml", kustomization(resources, svc.namespace ? { namespace: svc.namespace } : {}), "generated");
}
