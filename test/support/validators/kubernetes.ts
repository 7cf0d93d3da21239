// Kubernetes core-kind validation: kubernetes-models schema + unknown fields + our policy rules
// (PSS restricted, kube-linter-like defaults, Dapr sidecar annotations) + cross-object rules for a file set.
import { validate as vDeployment } from "kubernetes-models/_schemas/IoK8sApiAppsV1Deployment";
import { validate as vStatefulSet } from "kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet";
import { validate as vService } from "kubernetes-models/_schemas/IoK8sApiCoreV1Service";
import { validate as vConfigMap } from "kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap";
import { validate as vSecret } from "kubernetes-models/_schemas/IoK8sApiCoreV1Secret";
import { validate as vServiceAccount } from "kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount";
import { validate as vNamespace } from "kubernetes-models/_schemas/IoK8sApiCoreV1Namespace";
import { validate as vHpa } from "kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler";
import { validate as vPdb } from "kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget";
import { validate as vNetworkPolicy } from "kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy";
import { validate as vIngress } from "kubernetes-models/_schemas/IoK8sApiNetworkingV1Ingress";
import { validate as vJob } from "kubernetes-models/_schemas/IoK8sApiBatchV1Job";
import { validate as vCronJob } from "kubernetes-models/_schemas/IoK8sApiBatchV1CronJob";
import { validate as vRole } from "kubernetes-models/_schemas/IoK8sApiRbacV1Role";
import { validate as vRoleBinding } from "kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding";
import {
  type AjvLikeError,
  type JsonObject,
  type Problem,
  asArray,
  asObject,
  describeDoc,
  formatAjvError,
  imageTagProblem,
  isObject,
  looksLikeSecretName,
  parseYamlDocs,
} from "./common.js";
import { type CompiledValidator, findUnknownFields } from "./unknown-fields.js";

/**
 * The kubernetes-models validators, keyed by "apiVersion/kind". They are the functions the model classes
 * register (`new Deployment(obj).validate()` runs the same code); calling them directly gives structured errors.
 */
const SCHEMAS: Record<string, CompiledValidator> = {
  "apps/v1/Deployment": vDeployment,
  "apps/v1/StatefulSet": vStatefulSet,
  "v1/Service": vService,
  "v1/ConfigMap": vConfigMap,
  "v1/Secret": vSecret,
  "v1/ServiceAccount": vServiceAccount,
  "v1/Namespace": vNamespace,
  "autoscaling/v2/HorizontalPodAutoscaler": vHpa,
  "policy/v1/PodDisruptionBudget": vPdb,
  "networking.k8s.io/v1/NetworkPolicy": vNetworkPolicy,
  "networking.k8s.io/v1/Ingress": vIngress,
  "batch/v1/Job": vJob,
  "batch/v1/CronJob": vCronJob,
  "rbac.authorization.k8s.io/v1/Role": vRole,
  "rbac.authorization.k8s.io/v1/RoleBinding": vRoleBinding,
};

/** Ports of the Dapr sidecar; app probes must never target them. */
export const DAPR_PORTS = [3500, 3501, 50001, 50002];
const SIDECAR_RESOURCE_ANNOTATIONS = ["dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit", "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit"];

export interface KubernetesOptions {
  /** Require Dapr sidecar annotations on every Deployment (default true: every generated service is a Dapr app). */
  requireDapr?: boolean;
}

type Report = (rule: string, message: string) => void;

/** Validate one (multi-document) Kubernetes YAML file. Dapr resources (dapr.io/*) are checked by the Dapr validator. */
export function validateKubernetesYaml(file: string, text: string, opts: KubernetesOptions = {}): Problem[] {
  const { docs, problems } = parseYamlDocs(file, text);
  for (const d of docs) problems.push(...validateKubernetesObject(file, d.value, d.index, opts));
  return problems;
}

// Late-bound to avoid an import cycle (dapr.ts does not import this file, but index.ts wires both).
let daprObjectValidator: ((file: string, value: unknown, index: number) => Problem[]) | undefined;
export function setDaprObjectValidator(fn: (file: string, value: unknown, index: number) => Problem[]): void {
  daprObjectValidator = fn;
}

export function validateKubernetesObject(file: string, value: unknown, index: number, opts: KubernetesOptions = {}): Problem[] {
  const problems: Problem[] = [];
  if (!isObject(value)) {
    return [{ file, rule: "k8s-not-object", message: `document ${index} is not a mapping` }];
  }
  const label = describeDoc(value, index);
  const report: Report = (rule, message) => problems.push({ file, rule, message: `${label}: ${message}` });
  const apiVersion = value.apiVersion;
  const kind = value.kind;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    report("k8s-missing-kind", "apiVersion and kind must be strings");
    return problems;
  }
  if (apiVersion.startsWith("dapr.io/")) {
    return daprObjectValidator ? daprObjectValidator(file, value, index) : problems;
  }
  if (kind === "HorizontalPodAutoscaler" && apiVersion !== "autoscaling/v2") {
    report("hpa-api-version", `HorizontalPodAutoscaler must use autoscaling/v2, not ${apiVersion}`);
    return problems;
  }
  if (kind === "PodDisruptionBudget" && apiVersion !== "policy/v1") {
    report("pdb-api-version", `PodDisruptionBudget must use policy/v1, not ${apiVersion}`);
    return problems;
  }
  const schema = SCHEMAS[`${apiVersion}/${kind}`];
  if (!schema) {
    report("k8s-unknown-kind", `no validator for ${apiVersion} ${kind}`);
    return problems;
  }
  if (!schema(value)) {
    for (const e of (schema.errors ?? []) as AjvLikeError[]) report("k8s-schema", formatAjvError(e));
  }
  for (const p of findUnknownFields(schema, value)) report("k8s-unknown-field", `unknown field ${p}`);

  const metadata = asObject(value.metadata);
  if (typeof metadata.name !== "string" || metadata.name === "") report("k8s-metadata-name", "metadata.name is required");
  checkStringMaps(metadata, "metadata", report);

  switch (kind) {
    case "Deployment":
    case "StatefulSet":
      // the platform's own infrastructure (the dev overlay's OpenTelemetry collector) is no Dapr app
      checkWorkload(value, report, {
        longRunning: true,
        requireDapr: opts.requireDapr ?? (kind === "Deployment" && asObject(metadata.labels)["app.kubernetes.io/component"] !== "collector"),
      });
      break;
    case "Job":
      checkWorkload(value, report, { longRunning: false, requireDapr: false });
      break;
    case "CronJob": {
      const jobSpec = asObject(asObject(asObject(value.spec).jobTemplate).spec);
      checkWorkload({ metadata: value.metadata, spec: jobSpec }, report, { longRunning: false, requireDapr: false });
      break;
    }
    case "HorizontalPodAutoscaler":
      checkHpa(value, report);
      break;
    case "PodDisruptionBudget":
      checkPdb(value, report);
      break;
  }
  return problems;
}

/** labels and annotations: every value must be a string (Dapr annotations are read as strings; YAML `true`/8000 are not). */
function checkStringMaps(metadata: JsonObject, where: string, report: Report): void {
  for (const key of ["labels", "annotations"] as const) {
    for (const [k, v] of Object.entries(asObject(metadata[key]))) {
      if (typeof v !== "string") {
        report("annotation-value-string", `${where}.${key}["${k}"] must be a string, got ${JSON.stringify(v)} (quote it)`);
      }
    }
  }
}

interface WorkloadOpts {
  longRunning: boolean;
  requireDapr: boolean;
}

function checkWorkload(obj: JsonObject, report: Report, o: WorkloadOpts): void {
  const spec = asObject(obj.spec);
  const template = asObject(spec.template);
  const tmeta = asObject(template.metadata);
  const pod = asObject(template.spec);
  checkStringMaps(tmeta, "spec.template.metadata", report);

  // selector ⊆ template labels
  const matchLabels = asObject(asObject(spec.selector).matchLabels);
  const labels = asObject(tmeta.labels);
  if (Object.keys(matchLabels).length === 0 && isObject(spec.selector)) {
    report("selector-mismatch", "spec.selector.matchLabels is empty");
  }
  for (const [k, v] of Object.entries(matchLabels)) {
    if (labels[k] !== v) report("selector-mismatch", `selector ${k}=${String(v)} does not match template label ${k}=${String(labels[k])}`);
  }

  // Dapr annotations belong on the pod template, not on the workload's own metadata.
  const ownAnn = Object.keys(asObject(asObject(obj.metadata).annotations)).filter((k) => k.startsWith("dapr.io/"));
  if (ownAnn.length > 0) {
    report(
      "dapr-annotations-on-deployment",
      `Dapr annotations ${ownAnn.join(", ")} must be on spec.template.metadata.annotations, not on the ${String(obj.kind ?? "workload")} metadata`,
    );
  }

  const podSc = asObject(pod.securityContext);
  const volumes = asArray(pod.volumes).map(asObject);
  const emptyDirs = new Set(volumes.filter((v) => isObject(v.emptyDir)).map((v) => String(v.name)));
  const containers = asArray(pod.containers).map(asObject);
  const initContainers = asArray(pod.initContainers).map(asObject);
  if (containers.length === 0) report("k8s-schema", "pod template has no containers");

  for (const [c, isInit] of [...containers.map((c) => [c, false] as const), ...initContainers.map((c) => [c, true] as const)]) {
    const cname = `container "${String(c.name)}"`;
    const sc = asObject(c.securityContext);
    const eff = (k: string): unknown => (sc[k] !== undefined ? sc[k] : podSc[k]);

    if (eff("runAsNonRoot") !== true) report("pod-run-as-non-root", `${cname}: runAsNonRoot must be true (pod or container securityContext)`);
    const uid = eff("runAsUser");
    if (typeof uid !== "number" || !Number.isInteger(uid)) report("pod-run-as-user", `${cname}: runAsUser must be set to a numeric UID`);
    else if (uid === 0) report("pod-run-as-user", `${cname}: runAsUser must not be 0 (root)`);
    const seccomp = asObject(eff("seccompProfile")).type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
      report("pod-seccomp-profile", `${cname}: seccompProfile.type must be RuntimeDefault (pod or container level), got ${JSON.stringify(seccomp)}`);
    }
    if (sc.allowPrivilegeEscalation !== false) report("container-privilege-escalation", `${cname}: securityContext.allowPrivilegeEscalation must be false`);
    const drop = asArray(asObject(sc.capabilities).drop);
    if (!drop.includes("ALL")) report("container-capabilities-drop-all", `${cname}: securityContext.capabilities.drop must include ALL`);
    const add = asArray(asObject(sc.capabilities).add).filter((x) => x !== "NET_BIND_SERVICE");
    if (add.length > 0) report("container-capabilities-drop-all", `${cname}: capabilities.add ${JSON.stringify(add)} not allowed (only NET_BIND_SERVICE)`);
    if (sc.readOnlyRootFilesystem !== true) report("container-read-only-root-fs", `${cname}: securityContext.readOnlyRootFilesystem must be true`);
    const tmpMount = asArray(c.volumeMounts)
      .map(asObject)
      .find((m) => m.mountPath === "/tmp");
    if (!tmpMount || !emptyDirs.has(String(tmpMount.name))) report("pod-tmp-emptydir", `${cname}: needs an emptyDir volume mounted at /tmp (read-only root filesystem)`);

    const res = asObject(c.resources);
    for (const kind of ["requests", "limits"] as const) {
      for (const r of ["cpu", "memory"] as const) {
        if (asObject(res[kind])[r] === undefined) report("container-resources", `${cname}: resources.${kind}.${r} is not set`);
      }
    }

    if (typeof c.image === "string") {
      const tagProblem = imageTagProblem(c.image);
      if (tagProblem) report("image-latest-tag", `${cname}: ${tagProblem}`);
    }

    for (const e of asArray(c.env).map(asObject)) {
      const name = String(e.name ?? "");
      if (!looksLikeSecretName(name)) continue;
      if (e.value !== undefined) report("env-secret-literal", `${cname}: env ${name} looks like a secret but has a literal value; use valueFrom.secretKeyRef`);
      else if (!isObject(asObject(e.valueFrom).secretKeyRef)) report("env-secret-literal", `${cname}: env ${name} looks like a secret; use valueFrom.secretKeyRef`);
    }

    if (o.longRunning && !isInit) {
      const ports = asArray(c.ports).map(asObject);
      for (const probeKey of ["livenessProbe", "readinessProbe"] as const) {
        const probe = c[probeKey];
        const rule = probeKey === "livenessProbe" ? "container-liveness-probe" : "container-readiness-probe";
        if (!isObject(probe)) {
          report(rule, `${cname}: ${probeKey} is missing`);
          continue;
        }
        checkProbePort(probe, ports, `${cname}: ${probeKey}`, report);
      }
      if (isObject(c.startupProbe)) checkProbePort(c.startupProbe, ports, `${cname}: startupProbe`, report);
    }
  }

  if (o.requireDapr) checkDaprAnnotations(asObject(tmeta.annotations), containers, report);
}

function resolvePort(port: unknown, ports: JsonObject[]): number | undefined {
  if (typeof port === "number") return port;
  if (typeof port === "string") {
    if (/^\d+$/.test(port)) return Number(port);
    const named = ports.find((p) => p.name === port);
    return typeof named?.containerPort === "number" ? named.containerPort : undefined;
  }
  return undefined;
}

function checkProbePort(probe: JsonObject, ports: JsonObject[], where: string, report: Report): void {
  for (const handler of ["httpGet", "tcpSocket", "grpc"] as const) {
    const h = probe[handler];
    if (!isObject(h)) continue;
    const port = resolvePort(h.port, ports);
    if (port !== undefined && DAPR_PORTS.includes(port)) {
      report("probe-dapr-port", `${where} targets Dapr sidecar port ${port}; probe the app's own port`);
    }
  }
}

function checkDaprAnnotations(ann: JsonObject, containers: JsonObject[], report: Report): void {
  if (ann["dapr.io/enabled"] !== "true") {
    report("dapr-enabled", `spec.template.metadata.annotations["dapr.io/enabled"] must be "true", got ${JSON.stringify(ann["dapr.io/enabled"])}`);
  }
  const appId = ann["dapr.io/app-id"];
  if (typeof appId !== "string" || appId === "") report("dapr-app-id", `pod template annotation dapr.io/app-id is missing`);
  const appPort = ann["dapr.io/app-port"];
  if (appPort === undefined) {
    report("dapr-app-port", "pod template annotation dapr.io/app-port is missing");
  } else {
    const containerPorts = containers.flatMap((c) => asArray(c.ports).map((p) => asObject(p).containerPort));
    if (!containerPorts.some((p) => String(p) === String(appPort))) {
      report("dapr-app-port", `dapr.io/app-port ${JSON.stringify(appPort)} does not equal any containerPort (${containerPorts.join(", ") || "none"})`);
    }
  }
  for (const k of SIDECAR_RESOURCE_ANNOTATIONS) {
    if (ann[k] === undefined) report("dapr-sidecar-resources", `pod template annotation ${k} is missing (sidecar requests/limits; HPA needs the cpu request)`);
  }
}

function checkHpa(obj: JsonObject, report: Report): void {
  const spec = asObject(obj.spec);
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min !== "number" || min < 2) report("hpa-min-replicas", `spec.minReplicas must be ≥ 2, got ${JSON.stringify(min)}`);
  if (typeof max !== "number" || (typeof min === "number" && max < min)) {
    report("hpa-max-replicas", `spec.maxReplicas (${JSON.stringify(max)}) must be ≥ minReplicas (${JSON.stringify(min)})`);
  }
  const metrics = asArray(spec.metrics).map(asObject);
  for (const r of ["cpu", "memory"]) {
    const m = metrics.find((x) => {
      const res = asObject(x.type === "Resource" ? x.resource : x.type === "ContainerResource" ? x.containerResource : undefined);
      return res.name === r && asObject(res.target).type === "Utilization";
    });
    if (!m) report("hpa-metrics", `spec.metrics needs a ${r} Resource metric with target.type Utilization`);
  }
  const scaleDown = asObject(asObject(spec.behavior).scaleDown);
  if (typeof scaleDown.stabilizationWindowSeconds !== "number") {
    report("hpa-scale-down-stabilization", "spec.behavior.scaleDown.stabilizationWindowSeconds must be set");
  }
  const ref = asObject(spec.scaleTargetRef);
  if (ref.kind !== "Deployment" && ref.kind !== "StatefulSet") report("hpa-target-missing", `scaleTargetRef.kind must be Deployment, got ${JSON.stringify(ref.kind)}`);
}

function checkPdb(obj: JsonObject, report: Report): void {
  const spec = asObject(obj.spec);
  if (spec.minAvailable === undefined && spec.maxUnavailable === undefined) {
    report("pdb-budget", "spec.minAvailable or spec.maxUnavailable must be set");
  }
  if (Object.keys(asObject(asObject(spec.selector).matchLabels)).length === 0) {
    report("pdb-budget", "spec.selector.matchLabels must select the Deployment's pods");
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-object rules over a file set (one rendered environment).

interface Obj {
  file: string;
  value: JsonObject;
  index: number;
}

function ns(o: JsonObject): string {
  const n = asObject(o.metadata).namespace;
  return typeof n === "string" ? n : "";
}
function name(o: JsonObject): string {
  return String(asObject(o.metadata).name ?? "");
}
function matches(selector: JsonObject, labels: JsonObject): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** A full LabelSelector (matchLabels and matchExpressions); an empty selector selects everything. */
function selects(selector: JsonObject, labels: JsonObject): boolean {
  const byLabel = Object.entries(asObject(selector.matchLabels)).every(([k, v]) => labels[k] === v);
  const byExpression = asArray(selector.matchExpressions)
    .map(asObject)
    .every((e) => {
      const key = String(e.key);
      const values = asArray(e.values).map(String);
      const has = Object.hasOwn(labels, key);
      switch (e.operator) {
        case "In":
          return has && values.includes(String(labels[key]));
        case "NotIn":
          return !has || !values.includes(String(labels[key]));
        case "Exists":
          return has;
        case "DoesNotExist":
          return !has;
        default:
          return false;
      }
    });
  return byLabel && byExpression;
}

/** Label keys a selector reads. */
function selectorKeys(selector: JsonObject): string[] {
  return [...Object.keys(asObject(selector.matchLabels)), ...asArray(selector.matchExpressions).map((e) => String(asObject(e).key))];
}

/**
 * NetworkPolicy selectors that should select this set's pods: the policy's own podSelector (unless
 * empty: the whole namespace) and every peer with a podSelector and no namespaceSelector (a peer in
 * the policy's namespace). Selectors on labels the Dapr injector adds at admission (dapr.io/*) cannot
 * be checked against pod templates and are skipped.
 */
function networkPolicySelectors(spec: JsonObject): { where: string; selector: JsonObject }[] {
  const out: { where: string; selector: JsonObject }[] = [];
  const podSelector = asObject(spec.podSelector);
  if (selectorKeys(podSelector).length > 0) out.push({ where: "spec.podSelector", selector: podSelector });
  for (const [direction, peersKey] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    asArray(spec[direction])
      .map(asObject)
      .forEach((rule, r) => {
        asArray(rule[peersKey])
          .map(asObject)
          .forEach((peer, i) => {
            if (peer.namespaceSelector !== undefined || peer.podSelector === undefined) return;
            const selector = asObject(peer.podSelector);
            if (selectorKeys(selector).length > 0) out.push({ where: `spec.${direction}[${r}].${peersKey}[${i}].podSelector`, selector });
          });
      });
  }
  return out.filter((s) => !selectorKeys(s.selector).some((k) => k.startsWith("dapr.io/")));
}

/** Cross-object rules for the Kubernetes objects of a set of files (call validateFile per file separately). */
export function kubernetesSetProblems(objects: Obj[]): Problem[] {
  const problems: Problem[] = [];
  const deployments = objects.filter((o) => o.value.kind === "Deployment" || o.value.kind === "StatefulSet");
  const podLabels = (d: Obj) => asObject(asObject(asObject(asObject(d.value.spec).template).metadata).labels);
  const hpaTargets = new Set<string>();

  for (const o of objects) {
    const v = o.value;
    const label = describeDoc(v, o.index);
    const report = (rule: string, message: string) => problems.push({ file: o.file, rule, message: `${label}: ${message}` });
    const spec = asObject(v.spec);
    if (v.kind === "Service") {
      const selector = asObject(spec.selector);
      if (Object.keys(selector).length === 0) continue; // headless/external service without selector
      const targets = deployments.filter((d) => ns(d.value) === ns(v) && matches(selector, podLabels(d)));
      if (targets.length === 0) {
        report("service-selector-match", `selector ${JSON.stringify(selector)} matches no Deployment pod labels`);
        continue;
      }
      const containers = targets.flatMap((d) => asArray(asObject(asObject(asObject(d.value.spec).template).spec).containers).map(asObject));
      const cports = containers.flatMap((c) => asArray(c.ports).map(asObject));
      for (const p of asArray(spec.ports).map(asObject)) {
        const tp = p.targetPort ?? p.port;
        const ok = typeof tp === "number" || /^\d+$/.test(String(tp)) ? cports.some((c) => String(c.containerPort) === String(tp)) : cports.some((c) => c.name === tp);
        if (!ok)
          report(
            "service-target-port",
            `port ${JSON.stringify(p.name ?? p.port)} targetPort ${JSON.stringify(tp)} matches no container port of ${targets.map((t) => name(t.value)).join(", ")}`,
          );
      }
    } else if (v.kind === "HorizontalPodAutoscaler") {
      const ref = asObject(spec.scaleTargetRef);
      const target = deployments.find((d) => d.value.kind === ref.kind && name(d.value) === ref.name && ns(d.value) === ns(v));
      if (!target) report("hpa-target-missing", `scaleTargetRef ${String(ref.kind)}/${String(ref.name)} does not exist in the set`);
      else hpaTargets.add(`${ns(v)}/${String(ref.kind)}/${String(ref.name)}`);
    } else if (v.kind === "NetworkPolicy") {
      for (const { where, selector } of networkPolicySelectors(spec)) {
        if (!deployments.some((d) => ns(d.value) === ns(v) && selects(selector, podLabels(d)))) {
          report("networkpolicy-selector-match", `${where} ${JSON.stringify(selector)} selects no Deployment's pods in the namespace`);
        }
      }
    } else if (v.kind === "PodDisruptionBudget") {
      const selector = asObject(asObject(spec.selector).matchLabels);
      if (!deployments.some((d) => ns(d.value) === ns(v) && matches(selector, podLabels(d)))) {
        report("pdb-target-missing", `selector ${JSON.stringify(selector)} matches no Deployment pod labels`);
      }
    }
  }
  // dapr.io/config must name a Configuration of the set, when the set carries Dapr Configurations
  // (a whole environment); otherwise daprd refuses to start ("error loading configuration")
  const configurations = objects.filter((o) => o.value.kind === "Configuration" && String(o.value.apiVersion).startsWith("dapr.io/"));
  if (configurations.length > 0) {
    for (const d of deployments) {
      const annotations = asObject(asObject(asObject(asObject(d.value.spec).template).metadata).annotations);
      const config = annotations["dapr.io/config"];
      if (typeof config !== "string") continue;
      if (!configurations.some((c) => name(c.value) === config && ns(c.value) === ns(d.value))) {
        problems.push({
          file: d.file,
          rule: "dapr-config-missing",
          message: `${describeDoc(d.value, d.index)}: dapr.io/config "${config}" names no Dapr Configuration in the namespace`,
        });
      }
    }
  }
  for (const d of deployments) {
    if (hpaTargets.has(`${ns(d.value)}/${String(d.value.kind)}/${name(d.value)}`) && asObject(d.value.spec).replicas !== undefined) {
      problems.push({
        file: d.file,
        rule: "deployment-replicas-with-hpa",
        message: `${describeDoc(d.value, d.index)}: spec.replicas is set but an HPA owns the replica count; remove it`,
      });
    }
  }
  return problems;
}
