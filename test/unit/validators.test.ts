// Unit tests for the offline validators (test/support/validators): each good fixture passes with zero problems,
// and each mutation of it produces exactly the expected rule.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments, stringify } from "yaml";
import {
  type Problem,
  looksLikeSecretName,
  schemasDir,
  validateComposeYaml,
  validateDaprResourceYaml,
  validateDockerfile,
  validateFile,
  validateKubernetesSet,
  validateKubernetesYaml,
} from "../support/validators/index.js";
import { REPO_ROOT } from "../support/validators/common.js";
import { isSecretMetadataName, makeStrict } from "../support/validators/dapr.js";

const FIX = path.join(REPO_ROOT, "test/fixtures/validators");
const read = (rel: string) => readFileSync(path.join(FIX, rel), "utf8");

/* eslint-disable @typescript-eslint/no-explicit-any */
type Docs = any[];

/** Parse a fixture, let `fn` mutate its documents, and serialise it back. */
function mutate(text: string, fn: (docs: Docs) => void): string {
  const docs: Docs = parseAllDocuments(text).map((d) => {
    if (Array.isArray(d)) throw new Error("unexpected");
    return (d as { toJS(): unknown }).toJS();
  });
  fn(docs);
  return docs.map((d) => stringify(d)).join("---\n");
}

const rules = (ps: Problem[]) => [...new Set(ps.map((p) => p.rule))].sort();
const show = (ps: Problem[]) => ps.map((p) => `${p.rule}: ${p.message}`).join("\n");

function assertRules(ps: Problem[], expected: string[]): void {
  assert.deepEqual(rules(ps), [...expected].sort(), show(ps));
}
function assertHas(ps: Problem[], rule: string, messagePart?: string): void {
  const hit = ps.some((p) => p.rule === rule && (messagePart === undefined || p.message.includes(messagePart)));
  assert.ok(hit, `expected ${rule}${messagePart ? ` (${messagePart})` : ""}, got:\n${show(ps)}`);
}

// ------------------------------------------------------------------------------------------------
describe("Kubernetes: good fixtures", () => {
  const dir = path.join(FIX, "k8s");
  for (const f of readdirSync(dir)) {
    it(`${f} has no problems`, () => {
      assert.deepEqual(validateFile(`k8s/${f}`, read(`k8s/${f}`)), []);
    });
  }
  it("the whole set passes the cross-object rules", () => {
    const files = readdirSync(dir).map((f) => ({ file: f, text: read(`k8s/${f}`) }));
    assert.deepEqual(validateKubernetesSet(files), []);
  });
});

describe("Kubernetes: Deployment rules", () => {
  const base = read("k8s/deployment.yaml");
  const pod = (d: Docs) => d[0].spec.template.spec;
  const app = (d: Docs) => d[0].spec.template.spec.containers[0];
  const ann = (d: Docs) => d[0].spec.template.metadata.annotations;
  const cases: { name: string; fn: (d: Docs) => void; rules: string[]; msg?: string }[] = [
    { name: "unknown field spec.replicaz", fn: (d) => (d[0].spec.replicaz = 2), rules: ["k8s-unknown-field"], msg: "/spec/replicaz" },
    { name: "unknown nested field runAsNonRot", fn: (d) => (app(d).securityContext.runAsNonRot = true), rules: ["k8s-unknown-field"], msg: "runAsNonRot" },
    { name: "unknown field in a probe", fn: (d) => (app(d).livenessProbe.httpGet.paht = "/x"), rules: ["k8s-unknown-field"], msg: "httpGet/paht" },
    { name: "wrong type replicas: 'two'", fn: (d) => (d[0].spec.replicas = "two"), rules: ["k8s-schema"] },
    { name: "missing seccompProfile", fn: (d) => delete pod(d).securityContext.seccompProfile, rules: ["pod-seccomp-profile"] },
    { name: "seccompProfile Unconfined", fn: (d) => (pod(d).securityContext.seccompProfile.type = "Unconfined"), rules: ["pod-seccomp-profile"] },
    { name: "runAsNonRoot false on the container", fn: (d) => (app(d).securityContext.runAsNonRoot = false), rules: ["pod-run-as-non-root"] },
    { name: "runAsUser 0", fn: (d) => (app(d).securityContext.runAsUser = 0), rules: ["pod-run-as-user"] },
    {
      name: "no runAsUser anywhere",
      fn: (d) => {
        delete app(d).securityContext.runAsUser;
        delete pod(d).securityContext.runAsUser;
      },
      rules: ["pod-run-as-user"],
    },
    { name: "allowPrivilegeEscalation missing", fn: (d) => delete app(d).securityContext.allowPrivilegeEscalation, rules: ["container-privilege-escalation"] },
    { name: "capabilities not dropped", fn: (d) => (app(d).securityContext.capabilities.drop = ["NET_RAW"]), rules: ["container-capabilities-drop-all"] },
    { name: "capability added", fn: (d) => (app(d).securityContext.capabilities.add = ["SYS_ADMIN"]), rules: ["container-capabilities-drop-all"] },
    { name: "writable root filesystem", fn: (d) => (app(d).securityContext.readOnlyRootFilesystem = false), rules: ["container-read-only-root-fs"] },
    { name: "no /tmp emptyDir mount", fn: (d) => (app(d).volumeMounts = []), rules: ["pod-tmp-emptydir"] },
    { name: "/tmp mounted from a non-emptyDir volume", fn: (d) => (pod(d).volumes[0] = { name: "tmp", configMap: { name: "x" } }), rules: ["pod-tmp-emptydir"] },
    { name: "no memory limit", fn: (d) => delete app(d).resources.limits.memory, rules: ["container-resources"], msg: "limits.memory" },
    { name: "no cpu request", fn: (d) => delete app(d).resources.requests.cpu, rules: ["container-resources"], msg: "requests.cpu" },
    { name: "no liveness probe", fn: (d) => delete app(d).livenessProbe, rules: ["container-liveness-probe"] },
    { name: "no readiness probe", fn: (d) => delete app(d).readinessProbe, rules: ["container-readiness-probe"] },
    { name: "liveness probe on Dapr port 3501", fn: (d) => (app(d).livenessProbe.httpGet.port = 3501), rules: ["probe-dapr-port"], msg: "3501" },
    { name: "readiness probe on Dapr port 3500", fn: (d) => (app(d).readinessProbe = { httpGet: { path: "/v1.0/healthz", port: 3500 } }), rules: ["probe-dapr-port"] },
    { name: "image :latest", fn: (d) => (app(d).image = "ghcr.io/acme/order-processor:latest"), rules: ["image-latest-tag"] },
    { name: "untagged image", fn: (d) => (app(d).image = "ghcr.io/acme/order-processor"), rules: ["image-latest-tag"] },
    { name: "inline API key", fn: (d) => app(d).env.push({ name: "OPENAI_API_KEY_2", value: "sk-123" }), rules: ["env-secret-literal"], msg: "OPENAI_API_KEY_2" },
    {
      name: "password from a ConfigMap",
      fn: (d) => app(d).env.push({ name: "DB_PASSWORD", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }),
      rules: ["env-secret-literal"],
    },
    {
      name: "Dapr annotations on the Deployment metadata",
      fn: (d) => {
        d[0].metadata.annotations = { ...ann(d) };
        d[0].spec.template.metadata.annotations = {};
      },
      rules: ["dapr-annotations-on-deployment", "dapr-app-id", "dapr-app-port", "dapr-enabled", "dapr-sidecar-resources"],
    },
    { name: "dapr.io/enabled as a YAML boolean", fn: (d) => (ann(d)["dapr.io/enabled"] = true), rules: ["annotation-value-string", "dapr-enabled", "k8s-schema"] },
    { name: "dapr.io/app-port as a number", fn: (d) => (ann(d)["dapr.io/app-port"] = 8000), rules: ["annotation-value-string", "k8s-schema"] },
    { name: "app-port differs from containerPort", fn: (d) => (ann(d)["dapr.io/app-port"] = "8080"), rules: ["dapr-app-port"], msg: "8080" },
    { name: "no app-id", fn: (d) => delete ann(d)["dapr.io/app-id"], rules: ["dapr-app-id"] },
    { name: "no sidecar memory limit", fn: (d) => delete ann(d)["dapr.io/sidecar-memory-limit"], rules: ["dapr-sidecar-resources"], msg: "sidecar-memory-limit" },
    { name: "selector does not match template labels", fn: (d) => (d[0].spec.selector.matchLabels["app.kubernetes.io/name"] = "orders"), rules: ["selector-mismatch"] },
    { name: "no metadata.name", fn: (d) => delete d[0].metadata.name, rules: ["k8s-metadata-name"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ps = validateKubernetesYaml("deployment.yaml", mutate(base, c.fn));
      assertRules(ps, c.rules);
      if (c.msg) assertHas(ps, c.rules[0]!, c.msg);
    });
  }
  it("security context set only at container level is accepted", () => {
    const text = mutate(base, (d) => {
      const sc = pod(d).securityContext;
      delete pod(d).securityContext;
      app(d).securityContext.seccompProfile = sc.seccompProfile;
    });
    assert.deepEqual(validateKubernetesYaml("deployment.yaml", text), []);
  });
  it("requireDapr: false skips the Dapr annotation rules", () => {
    const text = mutate(base, (d) => (d[0].spec.template.metadata.annotations = {}));
    assertRules(validateKubernetesYaml("d.yaml", text), ["dapr-app-id", "dapr-app-port", "dapr-enabled", "dapr-sidecar-resources"]);
    assert.deepEqual(validateKubernetesYaml("d.yaml", text, { requireDapr: false }), []);
  });
  it("duplicate keys are a YAML error", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
    assertRules(validateKubernetesYaml("cm.yaml", text), ["yaml-parse"]);
  });
  it("unsupported apiVersion/kind", () => {
    assertRules(
      validateKubernetesYaml(
        "x.yaml",
        mutate(base, (d) => (d[0].apiVersion = "apps/v1beta1")),
      ),
      ["k8s-unknown-kind"],
    );
  });
  it("a document without apiVersion/kind", () => {
    assertRules(validateKubernetesYaml("x.yaml", "metadata: {name: x}\n"), ["k8s-missing-kind"]);
  });
  it("unknown fields are found in every document of a multi-document file", () => {
    const text = mutate(read("k8s/networkpolicy.yaml"), (d) => (d[1].spec.ingres = []));
    assertHas(validateKubernetesYaml("np.yaml", text), "k8s-unknown-field", "/spec/ingres");
  });
});

describe("Kubernetes: HPA and PDB rules", () => {
  const hpa = read("k8s/hpa.yaml");
  const pdb = read("k8s/pdb.yaml");
  const cases: { name: string; text: string; rules: string[] }[] = [
    { name: "autoscaling/v1", text: mutate(hpa, (d) => (d[0].apiVersion = "autoscaling/v1")), rules: ["hpa-api-version"] },
    { name: "minReplicas 1", text: mutate(hpa, (d) => (d[0].spec.minReplicas = 1)), rules: ["hpa-min-replicas"] },
    { name: "maxReplicas < minReplicas", text: mutate(hpa, (d) => (d[0].spec.maxReplicas = 1)), rules: ["hpa-max-replicas"] },
    { name: "no memory metric", text: mutate(hpa, (d) => d[0].spec.metrics.pop()), rules: ["hpa-metrics"] },
    {
      name: "AverageValue instead of Utilization",
      text: mutate(hpa, (d) => (d[0].spec.metrics[0].resource.target = { type: "AverageValue", averageValue: "500m" })),
      rules: ["hpa-metrics"],
    },
    { name: "no scale-down stabilization", text: mutate(hpa, (d) => delete d[0].spec.behavior), rules: ["hpa-scale-down-stabilization"] },
    { name: "typo spec.behaviour", text: mutate(hpa, (d) => (d[0].spec.behaviour = d[0].spec.behavior)), rules: ["k8s-unknown-field"] },
    { name: "PDB policy/v1beta1", text: mutate(pdb, (d) => (d[0].apiVersion = "policy/v1beta1")), rules: ["pdb-api-version"] },
    { name: "PDB without a budget", text: mutate(pdb, (d) => delete d[0].spec.maxUnavailable), rules: ["pdb-budget"] },
  ];
  for (const c of cases) it(c.name, () => assertRules(validateKubernetesYaml("x.yaml", c.text), c.rules));
});

describe("Kubernetes: cross-object rules (validateKubernetesSet)", () => {
  const names = ["deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml", "networkpolicy.yaml"];
  const set = (over: Record<string, (d: Docs) => void> = {}) => names.map((f) => ({ file: f, text: over[f] ? mutate(read(`k8s/${f}`), over[f]) : read(`k8s/${f}`) }));
  it("good set", () => assert.deepEqual(validateKubernetesSet(set()), []));
  const cases: { name: string; over: Record<string, (d: Docs) => void>; rules: string[] }[] = [
    { name: "Service selector matches no Deployment", over: { "service.yaml": (d) => (d[0].spec.selector = { app: "nope" }) }, rules: ["service-selector-match"] },
    { name: "Service targetPort names no container port", over: { "service.yaml": (d) => (d[0].spec.ports[0].targetPort = "grpc") }, rules: ["service-target-port"] },
    { name: "Service numeric targetPort mismatch", over: { "service.yaml": (d) => (d[0].spec.ports[0].targetPort = 9000) }, rules: ["service-target-port"] },
    { name: "HPA targets a missing Deployment", over: { "hpa.yaml": (d) => (d[0].spec.scaleTargetRef.name = "orders") }, rules: ["hpa-target-missing"] },
    { name: "PDB selects no pods", over: { "pdb.yaml": (d) => (d[0].spec.selector.matchLabels = { app: "nope" }) }, rules: ["pdb-target-missing"] },
    { name: "Deployment sets replicas while an HPA owns it", over: { "deployment.yaml": (d) => (d[0].spec.replicas = 3) }, rules: ["deployment-replicas-with-hpa"] },
    {
      name: "NetworkPolicy podSelector selects no pods",
      over: { "networkpolicy.yaml": (d) => (d[1].spec.podSelector.matchLabels = { "app.kubernetes.io/name": "orders" }) },
      rules: ["networkpolicy-selector-match"],
    },
    {
      name: "NetworkPolicy peer (same namespace) selects no pods",
      over: { "networkpolicy.yaml": (d) => d[1].spec.ingress[0].from.push({ podSelector: { matchLabels: { "app.kubernetes.io/name": "checkout" } } }) },
      rules: ["networkpolicy-selector-match"],
    },
    {
      name: "NetworkPolicy matchExpressions In without the pod's value",
      over: { "networkpolicy.yaml": (d) => (d[1].spec.podSelector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["checkout"] }] }) },
      rules: ["networkpolicy-selector-match"],
    },
  ];
  for (const c of cases) it(c.name, () => assertRules(validateKubernetesSet(set(c.over)), c.rules));
  it("NetworkPolicy: matchExpressions In with the pod's value, and peers in other namespaces, are fine", () => {
    const files = set({
      "networkpolicy.yaml": (d) => {
        d[1].spec.podSelector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["checkout", "order-processor"] }] };
        d[1].spec.egress[0].to.push({ namespaceSelector: {}, podSelector: { matchLabels: { app: "elsewhere" } } });
      },
    });
    assert.deepEqual(validateKubernetesSet(files), []);
  });
  it("dapr.io/config must name a Configuration of the set when the set has Configurations", () => {
    const config = { file: "configuration.yaml", text: read("dapr/configuration.yaml") };
    assert.deepEqual(validateKubernetesSet([...set(), config]), []);
    const renamed = { file: "configuration.yaml", text: mutate(config.text, (d) => (d[0].metadata.name = "appconfig-orders")) };
    assertRules(validateKubernetesSet([...set(), renamed]), ["dapr-config-missing"]);
  });
  it("replicas without an HPA is fine", () => {
    const files = set({ "deployment.yaml": (d) => (d[0].spec.replicas = 1) }).filter((f) => f.file !== "hpa.yaml");
    assert.deepEqual(validateKubernetesSet(files), []);
  });
});

// ------------------------------------------------------------------------------------------------
describe("Dapr resources", () => {
  for (const f of readdirSync(path.join(FIX, "dapr"))) {
    it(`${f} has no problems`, () => assert.deepEqual(validateDaprResourceYaml(f, read(`dapr/${f}`)), []));
  }
  const store = read("dapr/statestore.yaml");
  const kafka = read("dapr/pubsub-kafka.yaml");
  const config = read("dapr/configuration.yaml");
  const resil = read("dapr/resiliency.yaml");
  const subs = read("dapr/subscriptions.yaml");
  const cases: { name: string; text: string; rules: string[]; msg?: string }[] = [
    { name: "Component without version", text: mutate(store, (d) => delete d[0].spec.version), rules: ["dapr-schema"], msg: '"version"' },
    {
      name: "typo spec.metdata",
      text: mutate(store, (d) => {
        d[0].spec.metdata = d[0].spec.metadata;
        delete d[0].spec.metadata;
      }),
      rules: ["dapr-unknown-field", "dapr-schema"],
      msg: "metdata",
    },
    { name: "metadata item without name", text: mutate(store, (d) => d[0].spec.metadata.push({ value: "x" })), rules: ["dapr-schema"] },
    {
      name: "typo secretKeyRef.nam",
      text: mutate(store, (d) => (d[0].spec.metadata[1].secretKeyRef = { nam: "redis-secret", key: "password" })),
      rules: ["dapr-schema", "dapr-unknown-field"],
    },
    { name: "scopes at spec level", text: mutate(store, (d) => (d[0].spec.scopes = ["a"])), rules: ["dapr-unknown-field"] },
    { name: "no metadata.name", text: mutate(store, (d) => (d[0].metadata = { namespace: "shop" })), rules: ["dapr-metadata-name"] },
    {
      name: "inline password",
      text: mutate(store, (d) => (d[0].spec.metadata[1] = { name: "redisPassword", value: "hunter2" })),
      rules: ["component-inline-secret"],
      msg: "redisPassword",
    },
    {
      name: "inline connectionString",
      text: mutate(store, (d) => d[0].spec.metadata.push({ name: "connectionString", value: "host=db user=u password=p" })),
      rules: ["component-inline-secret"],
    },
    {
      name: "inline connection URL with a password",
      text: mutate(store, (d) => d[0].spec.metadata.push({ name: "connectionString", value: "postgres://u:p@db:5432/app" })),
      rules: ["component-inline-secret"],
    },
    { name: "value and secretKeyRef together", text: mutate(store, (d) => (d[0].spec.metadata[1].value = "")), rules: ["component-metadata-source"] },
    { name: "duplicate metadata name", text: mutate(store, (d) => d[0].spec.metadata.push({ name: "redisHost", value: "other:6379" })), rules: ["component-metadata-duplicate"] },
    { name: "kafka without authType", text: mutate(kafka, (d) => (d[0].spec.metadata = d[0].spec.metadata.filter((m: any) => m.name !== "authType"))), rules: ["kafka-auth-type"] },
    {
      name: "kafka with authRequired",
      text: mutate(kafka, (d) => (d[0].spec.metadata = d[0].spec.metadata.map((m: any) => (m.name === "authType" ? { name: "authRequired", value: "true" } : m)))),
      rules: ["kafka-auth-required", "kafka-auth-type"],
    },
    { name: "ACL policy without namespace", text: mutate(config, (d) => delete d[0].spec.accessControl.policies[0].namespace), rules: ["acl-policy-fields"], msg: "namespace" },
    { name: "ACL policy without appId", text: mutate(config, (d) => delete d[0].spec.accessControl.policies[0].appId), rules: ["acl-policy-fields", "dapr-schema"] },
    { name: "numeric samplingRate", text: mutate(config, (d) => (d[0].spec.tracing.samplingRate = 1)), rules: ["dapr-schema", "tracing-sampling-rate-string"] },
    { name: "typo spec.tracing.samplingrate", text: mutate(config, (d) => (d[0].spec.tracing.samplingrate = "1")), rules: ["dapr-unknown-field"] },
    { name: "Resiliency string maxRetries", text: mutate(resil, (d) => (d[0].spec.policies.retries.pubsubRetry.maxRetries = "10")), rules: ["dapr-schema"] },
    {
      name: "Resiliency targets at top level",
      text: mutate(resil, (d) => {
        d[0].targets = d[0].spec.targets;
        delete d[0].spec.targets;
      }),
      rules: ["dapr-schema", "dapr-unknown-field"],
    },
    { name: "Subscription v2alpha1 without routes", text: mutate(subs, (d) => delete d[0].spec.routes), rules: ["dapr-schema"], msg: "routes" },
    {
      name: "Subscription typo pubsubName",
      text: mutate(subs, (d) => {
        d[0].spec.pubsubName = d[0].spec.pubsubname;
        delete d[0].spec.pubsubname;
      }),
      rules: ["dapr-schema", "dapr-unknown-field"],
    },
    { name: "unknown Dapr kind", text: mutate(store, (d) => (d[0].kind = "Componnent")), rules: ["dapr-unknown-kind"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ps = validateDaprResourceYaml("x.yaml", c.text);
      assertRules(ps, c.rules);
      if (c.msg) assertHas(ps, c.rules[0]!, c.msg);
    });
  }
  it("secret-looking names with envRef, secretKeyRef or an empty value are fine; value may be any type", () => {
    const text = mutate(store, (d) =>
      d[0].spec.metadata.push(
        { name: "accessKey", envRef: "ACCESS_KEY" },
        { name: "clientSecret", value: "" },
        { name: "maxRetries", value: 3 },
        { name: "queryIndexes", value: { a: 1 } },
        // connection strings without a password are addresses, not secrets
        { name: "connectionString", value: "host=localhost port=5432 user=postgres database=postgres sslmode=disable" },
        { name: "mongoConnectionString", value: "mongodb://db:27017/app" },
      ),
    );
    assert.deepEqual(validateDaprResourceYaml("x.yaml", text), []);
  });
  it("isSecretMetadataName", () => {
    for (const n of ["redisPassword", "saslPassword", "clientKey", "accessKey", "apiKey", "authToken", "clientSecret", "connectionString", "password"]) {
      assert.equal(isSecretMetadataName(n), true, n);
    }
    for (const n of ["keyPrefix", "partitionKey", "secretsFile", "tokenAudience", "redisHost", "consumerGroup"]) assert.equal(isSecretMetadataName(n), false, n);
  });
  it("makeStrict adds additionalProperties:false except where unknown fields are preserved or a map is declared", () => {
    const s = makeStrict({
      type: "object",
      properties: {
        a: { type: "object", properties: { b: { type: "string" } } },
        v: { type: "object", properties: { c: {} }, "x-kubernetes-preserve-unknown-fields": true },
        m: { type: "object", properties: { d: {} }, additionalProperties: { type: "string" } },
        list: { type: "array", items: { type: "object", properties: { n: { type: "string" } } } },
      },
    }) as any;
    assert.equal(s.additionalProperties, false);
    assert.equal(s.properties.a.additionalProperties, false);
    assert.equal(s.properties.v.additionalProperties, undefined);
    assert.deepEqual(s.properties.m.additionalProperties, { type: "string" });
    assert.equal(s.properties.list.items.additionalProperties, false);
  });
});

// ------------------------------------------------------------------------------------------------
describe("docker-compose", () => {
  const good = read("compose/docker-compose.yml");
  it("good fixture has no problems", () => assert.deepEqual(validateComposeYaml("docker-compose.yml", good), []));
  const svc = (d: Docs, n: string) => d[0].services[n];
  const cases: { name: string; fn: (d: Docs) => void; rules: string[]; msg?: string }[] = [
    {
      name: "typo helthcheck",
      fn: (d) => {
        svc(d, "redis").helthcheck = svc(d, "redis").healthcheck;
        delete svc(d, "redis").healthcheck;
      },
      rules: ["compose-unknown-field"],
      msg: "helthcheck",
    },
    { name: "depends_on a missing service (list)", fn: (d) => svc(d, "order-processor-dapr").depends_on.push("postgres"), rules: ["compose-depends-on-missing"], msg: "postgres" },
    {
      name: "depends_on a missing service (map)",
      fn: (d) => (svc(d, "order-processor").depends_on.kafka = { condition: "service_started" }),
      rules: ["compose-depends-on-missing"],
    },
    { name: "depends_on with an invalid condition", fn: (d) => (svc(d, "order-processor").depends_on.redis.condition = "healthy"), rules: ["compose-schema"] },
    { name: "daprd without network_mode", fn: (d) => delete svc(d, "order-processor-dapr").network_mode, rules: ["compose-daprd-network-mode"] },
    { name: "daprd network_mode to a missing service", fn: (d) => (svc(d, "order-processor-dapr").network_mode = "service:orders"), rules: ["compose-daprd-network-mode"] },
    {
      name: "daprd without --resources-path",
      fn: (d) => {
        const c: string[] = svc(d, "order-processor-dapr").command;
        c.splice(c.indexOf("--resources-path"), 2);
      },
      rules: ["compose-daprd-command"],
      msg: "resources-path",
    },
    {
      name: "daprd string command without --app-port",
      fn: (d) => (svc(d, "order-processor-dapr").command = "./daprd --app-id order-processor --resources-path /components"),
      rules: ["compose-daprd-command"],
      msg: "app-port",
    },
    { name: "image :latest", fn: (d) => (svc(d, "redis").image = "redis:latest"), rules: ["image-latest-tag"] },
    { name: "top-level typo servces", fn: (d) => (d[0].servces = {}), rules: ["compose-unknown-field"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ps = validateComposeYaml("docker-compose.yml", mutate(good, c.fn));
      assertRules(ps, c.rules);
      if (c.msg) assertHas(ps, c.rules[0]!, c.msg);
    });
  }
});

// ------------------------------------------------------------------------------------------------
describe("Dockerfile", () => {
  const good = read("docker/Dockerfile");
  const sub = (from: string | RegExp, to: string) => {
    const out = good.replace(from, to);
    assert.notEqual(out, good, `fixture edit did not apply: ${String(from)}`);
    return out;
  };
  it("good fixture has no problems", () => assert.deepEqual(validateDockerfile("Dockerfile", good, { appPort: 8000 }), []));
  const runtimeOnly = `ARG PYTHON_VERSION=3.12\n${good.slice(good.indexOf("FROM python"))}`;
  const cases: { name: string; text: string; rules: string[]; appPort?: number }[] = [
    { name: "single stage", text: runtimeOnly.replace("--from=builder ", ""), rules: ["dockerfile-multi-stage"] },
    { name: "base :latest", text: sub("FROM python:${PYTHON_VERSION}-slim-bookworm", "FROM python:latest"), rules: ["dockerfile-base-image-tag"] },
    { name: "untagged base", text: sub("FROM python:${PYTHON_VERSION}-slim-bookworm", "FROM python"), rules: ["dockerfile-base-image-tag"] },
    { name: "ARG without default gives an untagged base", text: sub("ARG PYTHON_VERSION=3.12", "ARG PYTHON_VERSION"), rules: ["dockerfile-base-image-tag"] },
    { name: "USER by name", text: sub("USER 10001", "USER app"), rules: ["dockerfile-user"] },
    { name: "root USER", text: sub("USER 10001", "USER 0:0"), rules: ["dockerfile-user"] },
    { name: "no USER", text: sub("USER 10001\n", ""), rules: ["dockerfile-user"] },
    { name: "shell-form CMD", text: sub(/^CMD \[.*\]$/m, "CMD uvicorn app.main:app --host 0.0.0.0 --port 8000"), rules: ["dockerfile-cmd-exec-form"] },
    { name: "shell-form ENTRYPOINT", text: `${good}ENTRYPOINT python -m app\n`, rules: ["dockerfile-cmd-exec-form"] },
    { name: "no HEALTHCHECK", text: sub(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ""), rules: ["dockerfile-healthcheck"] },
    {
      name: "HEALTHCHECK with curl",
      text: sub(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, "HEALTHCHECK CMD curl -f http://127.0.0.1:8000/livez || exit 1\n"),
      rules: ["dockerfile-healthcheck"],
    },
    { name: "EXPOSE differs from app port", text: sub("EXPOSE 8000", "EXPOSE 8080"), rules: ["dockerfile-expose"] },
    { name: "EXPOSE missing", text: sub("EXPOSE 8000\n", ""), rules: ["dockerfile-expose"] },
    { name: "ADD of a URL", text: sub("WORKDIR /app\nCOPY --from", "WORKDIR /app\nADD https://example.com/tool.tar.gz /opt/\nCOPY --from"), rules: ["dockerfile-add-url"] },
    { name: "secret in ENV", text: sub("PYTHONUNBUFFERED=1 \\", "PYTHONUNBUFFERED=1 OPENAI_API_KEY=sk-123 \\"), rules: ["dockerfile-secret-env"] },
    { name: "secret in ARG", text: sub("ARG PYTHON_VERSION=3.12", "ARG PYTHON_VERSION=3.12\nARG GITHUB_TOKEN"), rules: ["dockerfile-secret-env"] },
    { name: "pip install without --no-cache-dir", text: sub("COPY . /app\n", "COPY . /app\nRUN pip install -r requirements.txt\n"), rules: ["dockerfile-pip-no-cache"] },
  ];
  for (const c of cases) {
    it(c.name, () => assertRules(validateDockerfile("Dockerfile", c.text, { appPort: c.appPort ?? 8000 }), c.rules));
  }
  it("pip install is fine with --no-cache-dir or after ENV PIP_NO_CACHE_DIR", () => {
    assert.deepEqual(validateDockerfile("Dockerfile", sub("COPY . /app\n", "COPY . /app\nRUN python -m pip install --no-cache-dir -r requirements.txt\n"), { appPort: 8000 }), []);
    assert.deepEqual(validateDockerfile("Dockerfile", sub("RUN useradd", "RUN pip install --upgrade pip && useradd"), { appPort: 8000 }), []);
  });
  it("without appPort, EXPOSE is not checked", () => assert.deepEqual(validateDockerfile("Dockerfile", sub("EXPOSE 8000", "EXPOSE 9000")), []));
});

// ------------------------------------------------------------------------------------------------
describe("validateFile dispatch", () => {
  it("Dockerfile by name", () =>
    assertRules(validateFile("services/a/Dockerfile", "FROM python:3.12-slim\n"), [
      "dockerfile-cmd-exec-form",
      "dockerfile-healthcheck",
      "dockerfile-multi-stage",
      "dockerfile-user",
    ]));
  it("compose by name", () => assertRules(validateFile("docker-compose.yml", "services:\n  a:\n    image: x:1\n    helthcheck: {}\n"), ["compose-unknown-field"]));
  it("compose by content", () => assertRules(validateFile("local/stack.yaml", "services:\n  a:\n    image: x:1\n    helthcheck: {}\n"), ["compose-unknown-field"]));
  it("kustomization.yaml is skipped", () => assert.deepEqual(validateFile("deploy/base/kustomization.yaml", "resources: [nope]\nbogus: 1\n"), []));
  it("Dapr resources by apiVersion, any file name", () => {
    assertRules(
      validateFile(
        "deploy/overlays/dev/components/statestore.yaml",
        mutate(read("dapr/statestore.yaml"), (d) => delete d[0].spec.version),
      ),
      ["dapr-schema"],
    );
  });
  it("a file mixing Kubernetes and Dapr documents checks both", () => {
    const text = `${read("k8s/configmap.yaml")}---\n${read("dapr/statestore.yaml")}`;
    assert.deepEqual(validateFile("all.yaml", text), []);
    const bad = mutate(text, (d) => {
      d[0].datta = {};
      d[1].spec.metdata = [];
    });
    assertRules(validateFile("all.yaml", bad), ["dapr-unknown-field", "k8s-unknown-field"]);
  });
  it("unknown files give no problems", () => {
    assert.deepEqual(validateFile("README.md", "# hi"), []);
    assert.deepEqual(validateFile("dapr.yaml", "version: 1\napps:\n  - appID: a\n    appDirPath: ./a\n"), []);
  });
  it("YAML syntax errors are reported for any YAML file", () => assertRules(validateFile("x.yaml", "a: [1, 2\n"), ["yaml-parse"]));
});

describe("helpers", () => {
  it("schemasDir: FASTDAPR_SHARED_DIR first, then ../shared/schemas beside the repo, then the provisioned cache", () => {
    const saved = { shared: process.env.FASTDAPR_SHARED_DIR, cache: process.env.FASTDAPR_CACHE };
    try {
      delete process.env.FASTDAPR_SHARED_DIR;
      process.env.FASTDAPR_CACHE = "/opt/cache/fastdapr";
      const beside = path.resolve(REPO_ROOT, "../shared/schemas");
      // which of the two applies depends on where this clone lives; each is exact
      assert.equal(schemasDir(), existsSync(beside) ? beside : "/opt/cache/fastdapr/schemas");
      process.env.FASTDAPR_SHARED_DIR = "/opt/ci/shared";
      assert.equal(schemasDir(), "/opt/ci/shared/schemas");
      const schemasFolder = mkdtempSync(path.join(tmpdir(), "fastdapr-schemas-"));
      writeFileSync(path.join(schemasFolder, "compose-spec.json"), "{}");
      process.env.FASTDAPR_SHARED_DIR = schemasFolder;
      assert.equal(schemasDir(), schemasFolder, "a schemas folder itself is accepted");
    } finally {
      for (const [name, value] of [
        ["FASTDAPR_SHARED_DIR", saved.shared],
        ["FASTDAPR_CACHE", saved.cache],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
  it("looksLikeSecretName", () => {
    for (const n of ["OPENAI_API_KEY", "DAPR_API_TOKEN", "DB_PASSWORD", "SECRET", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN"]) assert.equal(looksLikeSecretName(n), true, n);
    for (const n of ["LLM_MAX_TOKENS", "SECRET_STORE_NAME", "API_KEY_FILE", "KEYRING_PROVIDER", "PYTHONUNBUFFERED", "APP_PORT"]) assert.equal(looksLikeSecretName(n), false, n);
  });
});
