// What a platform team does on the test cluster (test/e2e/harness/cluster.ts) before and after
// `kubectl apply -k deploy/overlays/dev`, the way the generated README tells them: Dapr's control
// plane from its Helm chart (mTLS on, the values the README gives), the restricted namespace with
// its Secrets, Redis where the dev overlay's components look for it, and the service images.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Cluster } from "./cluster.js";
import { DAPR_HELM, POD_SECURITY_RESTRICTED } from "../../../src/dapr-install.js";

export const DAPR_NAMESPACE = DAPR_HELM.namespace;

/** `helm upgrade --install dapr <chart> --namespace dapr-system --create-namespace --wait --set ...` */
export async function installDapr(c: Cluster): Promise<string> {
  const set = {
    ...DAPR_HELM.values,
    // the images provision-cluster.sh built from the same Dapr release, already in containerd
    "global.registry": c.runtime.daprRegistry,
    "global.tag": c.runtime.daprTag,
    "global.imagePullPolicy": "IfNotPresent",
    "dapr_sidecar_injector.sidecarImagePullPolicy": "IfNotPresent",
    "global.mtls.enabled": "true",
    "global.ha.enabled": "false",
    // a node without a storage provisioner: the scheduler's etcd keeps its data in memory
    "dapr_scheduler.cluster.inMemoryStorage": "true",
    "dapr_placement.cluster.forceInMemoryLog": "true",
  };
  const args = [
    "upgrade",
    "--install",
    DAPR_HELM.release,
    c.runtime.daprChart,
    "--namespace",
    DAPR_NAMESPACE,
    "--create-namespace",
    "--wait",
    "--timeout",
    "10m",
    "--kubeconfig",
    c.kubeconfig,
    ...Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
  ];
  const home = join(c.node.dir, "helm");
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, HELM_CACHE_HOME: join(home, "cache"), HELM_CONFIG_HOME: join(home, "config"), HELM_DATA_HOME: join(home, "data"), KUBECONFIG: "" };
  const r = await c.exec(c.runtime.helm, args, { env });
  if (r.code !== 0) throw new Error(`helm ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Redis as the dev overlay's components expect it: redis-master.default.svc.cluster.local:6379 */
export function redisManifest(image: string): string {
  const labels = { "app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "master" };
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "redis-master", namespace: "default", labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "redis",
                image,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "redis", containerPort: 6379 }],
                readinessProbe: { tcpSocket: { port: 6379 }, periodSeconds: 2 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "redis-master", namespace: "default", labels },
      spec: { selector: labels, ports: [{ name: "redis", port: 6379, targetPort: 6379 }] },
    },
  ]
    .map((d) => stringify(d))
    .join("---\n");
}

/** `kubectl create namespace` + the Pod Security labels, as the README says */
export async function restrictedNamespace(c: Cluster, ns: string): Promise<void> {
  await c.kubectlOk(["create", "namespace", ns]);
  await c.kubectlOk(["label", "namespace", ns, ...Object.entries(POD_SECURITY_RESTRICTED).map(([k, v]) => `${k}=${v}`)]);
}

/** a Secret with string data, applied */
export async function secret(c: Cluster, ns: string, name: string, data: Record<string, string>): Promise<void> {
  await c.kubectlOk(["apply", "-f", "-"], {
    input: stringify({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: ns }, type: "Opaque", stringData: data }),
  });
}

/**
 * A kustomization beside the generated overlay that uses it as it is and lowers only the CPU
 * requests: the agent services ask for 500m each, more than this two-core node can schedule with
 * everything else. Limits, probes, security contexts, policies: all as generated.
 */
export function cpuRequestOverlay(root: string, overlay: string, deployments: string[], cpu: string): string {
  const dir = join(root, "deploy", "overlays", "e2e-cluster");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "kustomization.yaml"),
    stringify({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [`../${overlay}`],
      patches: deployments.map((name) => ({
        target: { kind: "Deployment", name },
        patch: stringify([{ op: "replace", path: "/spec/template/spec/containers/0/resources/requests/cpu", value: cpu }]),
      })),
    }),
  );
  return dir;
}
