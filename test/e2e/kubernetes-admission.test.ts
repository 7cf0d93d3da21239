// Issue #12, item 4: the generated platform shipped as users ship it, to a real Kubernetes API server
// (v1.37, built by scripts/provision-kube.sh) whose namespaces enforce Pod Security "restricted",
// with Dapr's real sidecar injector (built from the same Dapr module as daprd) registered as the
// mutating webhook Dapr's Helm chart registers, installed with the settings the generated docs give.
// The controller manager turns Deployments into ReplicaSets and Pods; with no kubelet the Pods stay
// Pending, which is enough: admission is where they would be refused.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { dumpLogs, liveProcesses, startSentry, stopAll, waitFor, type Sentry } from "./harness/index.js";
import { startControlPlane, type ControlPlane } from "./harness/kube.js";
import { POD_SECURITY_RESTRICTED } from "../../src/dapr-install.js";
import {
  DAPR_CONTROL_PLANE_TRUST_DOMAIN,
  DAPR_SYSTEM_NAMESPACE,
  injectorSettings,
  installDaprControlPlaneObjects,
  startInjector,
  type DaprInjector,
} from "./harness/dapr-injector.js";
import {
  DOCUMENTED_DAPR_HELM_VALUES,
  NEW_SERVICE,
  generateProject,
  kustomizationNamespace,
  parseObjects,
  sidecarMismatches,
  type GeneratedProject,
  type K8sObject,
  type Pod,
} from "./support/kube-admission.js";

const START_MS = 300_000;
const CASE_MS = 240_000;
/** the namespace the lone service is applied to (its k8s/ kustomization sets none) */
const SERVICE_NAMESPACE = "orders";
/** where the counter-case applies the same service with Dapr's default injector settings */
const DEFAULTS_NAMESPACE = "orders-dapr-defaults";

interface Target {
  label: string;
  dir: string;
  namespace: string;
}

let project: GeneratedProject;
let cp: ControlPlane;
let sentry: Sentry;
let injector: DaprInjector | undefined;
let targets: Target[];
/** what is applied, in order: the platform's two overlays (they set their namespaces) and the lone service */
const TARGETS: { label: string; dir(p: GeneratedProject): string }[] = [
  { label: "deploy/overlays/dev", dir: (p) => join(p.platform, "deploy/overlays/dev") },
  { label: "deploy/overlays/prod", dir: (p) => join(p.platform, "deploy/overlays/prod") },
  { label: `${NEW_SERVICE}/k8s`, dir: (p) => join(p.service, "k8s") },
];

/** a failing case prints every process's log, then fails */
function withLogs(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (e) {
      dumpLogs(liveProcesses());
      throw e;
    }
  };
}

async function restrictedNamespace(name: string): Promise<void> {
  await cp.kubectlOk(["create", "namespace", name]);
  await cp.kubectlOk([
    "label",
    "namespace",
    name,
    // the labels the generated README gives (src/dapr-install.ts)
    ...Object.entries(POD_SECURITY_RESTRICTED).map(([key, value]) => `${key}=${value}`),
  ]);
  // the Secrets the generated README tells users to create before the pods can start
  for (const secret of ["dapr-api-token", "dapr-app-token"]) {
    await cp.kubectlOk(["create", "secret", "generic", secret, "-n", name, `--from-literal=token=${secret}-e2e-value`]);
  }
}

/** `kubectl apply -k` as the README says, with server-side strict field validation; namespace only when the kustomization sets none */
function apply(t: Target) {
  const ns = kustomizationNamespace(t.dir) ? [] : ["-n", t.namespace];
  return cp.kubectl(["apply", "--validate=strict", "-k", t.dir, ...ns]);
}

async function rendered(t: Target): Promise<K8sObject[]> {
  return parseObjects(await cp.kubectlOk(["kustomize", t.dir]));
}

async function podsOf(namespace: string, appName: string): Promise<Pod[]> {
  const out = await cp.kubectlOk(["get", "pods", "-n", namespace, "-l", `app.kubernetes.io/name=${appName}`, "-o", "json"]);
  return (JSON.parse(out) as { items: Pod[] }).items;
}

/** "<kind>/<name>" → resourceVersion of every object the target renders, as stored on the server */
/**
 * What each applied object holds apart from what controllers write: the object without `status`,
 * `resourceVersion` and `managedFields`. Controllers update status on their own schedule (the HPA
 * controller records that it has no metrics source), which bumps the resourceVersion between two
 * reads; a change made by an apply shows in the spec, the data, the annotations or the generation.
 */
async function storedObjects(t: Target): Promise<Record<string, string>> {
  const input = (await rendered(t)).map((o) => stringify(o)).join("---\n");
  const got = JSON.parse(await cp.kubectlOk(["get", "-f", "-", "-n", t.namespace, "-o", "json"], { input })) as K8sObject & { items?: K8sObject[] };
  const objects = got.items ?? [got];
  return Object.fromEntries(
    objects.map((o) => {
      const { status: _status, ...rest } = o as K8sObject & { status?: unknown };
      const { resourceVersion: _rv, managedFields: _mf, ...metadata } = o.metadata as K8sObject["metadata"] & { resourceVersion?: string; managedFields?: unknown };
      return [`${o.kind}/${o.metadata.name}`, JSON.stringify({ ...rest, metadata })];
    }),
  );
}

/** the keys whose stored object differs between two snapshots */
function changedObjects(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/** the replicas a Deployment must reach: its own, raised to its HorizontalPodAutoscaler's minimum */
function wantedReplicas(deployment: K8sObject, objects: K8sObject[]): number {
  const own = (deployment.spec?.replicas as number | undefined) ?? 1;
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && (o.spec?.scaleTargetRef as { name?: string } | undefined)?.name === deployment.metadata.name);
  return Math.max(own, (hpa?.spec?.minReplicas as number | undefined) ?? 1);
}

before(
  async () => {
    project = await generateProject();
    targets = TARGETS.map((t) => {
      const dir = t.dir(project);
      return { label: t.label, dir, namespace: kustomizationNamespace(dir) ?? SERVICE_NAMESPACE };
    });
    sentry = await startSentry({ trustDomain: DAPR_CONTROL_PLANE_TRUST_DOMAIN, namespace: DAPR_SYSTEM_NAMESPACE });
    cp = await startControlPlane();
    const settings = injectorSettings(cp.runtime.daprInjectorChart, cp.runtime.daprVersion, DOCUMENTED_DAPR_HELM_VALUES);
    await installDaprControlPlaneObjects(cp, settings.failurePolicy);
    injector = await startInjector(cp, sentry, settings);
  },
  { timeout: START_MS },
);

after(async () => {
  await injector?.stop();
  await cp?.stop();
  await sentry?.stop();
  await stopAll();
  project?.cleanup();
});

describe("kubernetes admission: the generated manifests in restricted namespaces with Dapr's injector", { concurrency: false }, () => {
  it(
    "registers Dapr's injector as the chart's webhook, with Sentry's trust anchors as its CA bundle",
    { timeout: CASE_MS },
    withLogs(async () => {
      const caBundle = await cp.kubectlOk(["get", "mutatingwebhookconfiguration", "dapr-sidecar-injector", "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}"]);
      assert.equal(Buffer.from(caBundle, "base64").toString("utf8").trim(), sentry.trustAnchors.trim());
      assert.equal(injector?.settings.env.SIDECAR_DROP_ALL_CAPABILITIES, "true");
    }),
  );

  it(
    "labels every target namespace Pod Security restricted (enforce + warn)",
    { timeout: CASE_MS },
    withLogs(async () => {
      for (const ns of new Set(targets.map((t) => t.namespace))) await restrictedNamespace(ns);
      for (const ns of new Set(targets.map((t) => t.namespace))) {
        const labels = JSON.parse(await cp.kubectlOk(["get", "namespace", ns, "-o", "jsonpath={.metadata.labels}"])) as Record<string, string>;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted", ns);
        assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted", ns);
      }
    }),
  );

  for (const [which, { label }] of TARGETS.entries()) {
    it(
      `kubectl apply -k ${label}: every object accepted with strict field validation, no warnings`,
      { timeout: CASE_MS },
      withLogs(async () => {
        const t = targets[which]!;
        const run = await apply(t);
        assert.equal(run.code, 0, `kubectl apply -k ${t.dir} (${t.label}) failed:\n${run.stderr}${run.stdout}`);
        assert.equal(run.stderr, "", `kubectl apply -k (${t.label}) printed warnings or errors`);
        const objects = await rendered(t);
        const onServer = await cp.kubectl(["get", "-f", "-", "-n", t.namespace, "-o", "name"], { input: objects.map((o) => stringify(o)).join("---\n") });
        assert.equal(onServer.code, 0, `not every object of ${t.label} is on the server: ${onServer.stderr}`);
        assert.equal(onServer.stdout.trim().split("\n").length, objects.length, onServer.stdout);
      }),
    );
  }

  it(
    "admits every Deployment's Pods, created by the controllers, with the injected daprd the annotations ask for",
    { timeout: CASE_MS },
    withLogs(async () => {
      const sidecarImage = injector!.settings.env.SIDECAR_IMAGE!;
      for (const t of targets) {
        const objects = await rendered(t);
        const deployments = objects.filter((o) => o.kind === "Deployment");
        assert.ok(deployments.length > 0, `${t.label} has no Deployment`);
        for (const d of deployments) {
          const name = d.metadata.name;
          const wanted = wantedReplicas(d, objects);
          const pods = await waitFor(
            `${wanted} pod(s) of ${t.namespace}/${name}`,
            async () => {
              const p = await podsOf(t.namespace, name);
              return p.length >= wanted ? p : undefined;
            },
            { timeoutMs: 120_000, intervalMs: 1000 },
          );
          const template = (d.spec?.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
          // the dev overlay's OpenTelemetry collector is no Dapr app: admitted as it is, nothing injected
          const collector = (d.metadata as { labels?: Record<string, string> }).labels?.["app.kubernetes.io/component"] === "collector";
          for (const pod of pods) {
            assert.equal(pod.metadata.ownerReferences?.[0]?.kind, "ReplicaSet", `${pod.metadata.name} was not created by its ReplicaSet`);
            if (collector) {
              assert.deepEqual(
                pod.spec.containers.map((c) => c.name),
                ["collector"],
                `${pod.metadata.name}: no sidecar in the collector`,
              );
              continue;
            }
            assert.deepEqual(sidecarMismatches(pod, template, sidecarImage), [], `${t.label} ${pod.metadata.name}`);
            assert.ok(
              pod.spec.containers.some((c) => c.name === "app"),
              `${pod.metadata.name} lost its app container`,
            );
          }
        }
      }
    }),
  );

  it(
    "shows no change on a second apply and in kubectl diff",
    { timeout: CASE_MS },
    withLogs(async () => {
      for (const t of targets) {
        const ns = kustomizationNamespace(t.dir) ? [] : ["-n", t.namespace];
        const diff = await cp.kubectl(["diff", "-k", t.dir, ...ns]);
        assert.equal(diff.code, 0, `kubectl diff -k (${t.label}) shows a change:\n${diff.stdout}${diff.stderr}`);
        const before = await storedObjects(t);
        const again = await apply(t);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(again.stderr, "", `second kubectl apply -k (${t.label}) printed warnings or errors`);
        // the server stored nothing new; kubectl's own "configured" is not the measure, since it also
        // reports patches that change nothing once the server has normalised them (see docs/real-runtime.md)
        // (status writes by controllers, such as the HPA controller's, are not the apply's doing)
        const changed = changedObjects(before, await storedObjects(t));
        assert.deepEqual(changed, [], `second kubectl apply -k (${t.label}) changed ${changed.join(", ")}:\n${again.stdout}`);
      }
    }),
  );

  it(
    "fails without the documented setting: with Dapr's default injector, Pod Security refuses the sidecar",
    { timeout: CASE_MS },
    withLogs(async () => {
      await injector!.stop();
      injector = undefined;
      const defaults = injectorSettings(cp.runtime.daprInjectorChart, cp.runtime.daprVersion, {});
      assert.equal(defaults.env.SIDECAR_DROP_ALL_CAPABILITIES, "false");
      injector = await startInjector(cp, sentry, defaults);

      // the lone service, applied afresh to another restricted namespace
      await restrictedNamespace(DEFAULTS_NAMESPACE);
      const service: Target = { label: `${NEW_SERVICE}/k8s with Dapr's defaults`, dir: join(project.service, "k8s"), namespace: DEFAULTS_NAMESPACE };
      const run = await apply(service);
      assert.equal(run.code, 0, `${run.stderr}${run.stdout}`);
      assertRefusedByPodSecurity(await replicaSetFailure(DEFAULTS_NAMESPACE, NEW_SERVICE, "1"), `${DEFAULTS_NAMESPACE}/${NEW_SERVICE}`);
      assert.deepEqual(await podsOf(DEFAULTS_NAMESPACE, NEW_SERVICE), []);

      // every LearnFlow Deployment of the dev overlay, rolled out again: each new ReplicaSet is refused
      const dev = targets[0]!;
      await cp.kubectlOk(["rollout", "restart", "deployment", "-n", dev.namespace, "-l", "app.kubernetes.io/part-of"]);
      // (the OpenTelemetry collector gets no sidecar, so the injector's settings cannot make it refused)
      const daprApps = (await rendered(dev)).filter(
        (o) => o.kind === "Deployment" && (o.metadata as { labels?: Record<string, string> }).labels?.["app.kubernetes.io/component"] !== "collector",
      );
      assert.ok(daprApps.length > 0);
      for (const d of daprApps) {
        assertRefusedByPodSecurity(await replicaSetFailure(dev.namespace, d.metadata.name, "2"), `${dev.namespace}/${d.metadata.name}`);
      }
    }),
  );
});

interface ReplicaSetCondition {
  type: string;
  reason: string;
  message: string;
}

/** the FailedCreate condition of a Deployment's ReplicaSet of the given revision, once the controller reports it */
function replicaSetFailure(namespace: string, appName: string, revision: string): Promise<ReplicaSetCondition> {
  return waitFor(
    `FailedCreate of ${namespace}/${appName}'s ReplicaSet (revision ${revision})`,
    async () => {
      const out = await cp.kubectlOk(["get", "replicasets", "-n", namespace, "-l", `app.kubernetes.io/name=${appName}`, "-o", "json"]);
      const sets = (JSON.parse(out) as { items: { metadata: { annotations?: Record<string, string> }; status?: { conditions?: ReplicaSetCondition[] } }[] }).items;
      return sets
        .filter((s) => s.metadata.annotations?.["deployment.kubernetes.io/revision"] === revision)
        .flatMap((s) => s.status?.conditions ?? [])
        .find((c) => c.type === "ReplicaFailure" && c.reason === "FailedCreate");
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
}

function assertRefusedByPodSecurity(failure: ReplicaSetCondition, what: string): void {
  assert.match(failure.message, /violates PodSecurity "restricted:latest"/, what);
  assert.match(failure.message, /container "daprd" must set securityContext\.capabilities\.drop=\["ALL"\]/, what);
}
