// Graph-derived security objects on a small platform with two callers of one service: the callee's
// ACL and NetworkPolicy name both callers, and store egress follows each component's addresses and scopes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { accessControlConfigName, accessControlConfigurations } from "../../src/render/access-control.js";
import { component } from "../../src/render/dapr-resources.js";
import { componentEndpoints, serviceNetworkPolicy, storeEgressPolicies } from "../../src/render/network-policies.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { parse } from "yaml";
import { renderedPlatform } from "../support/platforms.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const shop = buildPlatform(
  parseManifest(`apiVersion: fastdapr/v1
name: shop
topics:
  orders.created: {}
services:
  orders-service:
    port: 8001
    publishes: [ orders.created ]
    invokes: [ stock-service ]
  mail-service:
    tier: agent
    port: 8003
    subscribes: [ orders.created ]
    invokes: [ stock-service, orders-service ]
  stock-service:
    port: 8002
`).manifest,
);
const svc = (name: string) => shop.services.find((s) => s.name === name)!;

test("a callee's ACL allows each of its callers, in its namespace, and denies the rest", () => {
  const configs = accessControlConfigurations(shop, "shop-dev") as Record<string, Obj>;
  assert.deepEqual(Object.keys(configs), ["configuration-orders-service.yaml", "configuration-mail-service.yaml", "configuration-stock-service.yaml"]);
  const stock = configs["configuration-stock-service.yaml"];
  assert.equal(stock.metadata.name, accessControlConfigName(svc("stock-service")));
  assert.equal(stock.metadata.name, "appconfig-stock-service");
  assert.deepEqual(stock.spec.accessControl, {
    defaultAction: "deny",
    trustDomain: "public",
    policies: [
      { appId: "orders-service", defaultAction: "allow", trustDomain: "public", namespace: "shop-dev" },
      { appId: "mail-service", defaultAction: "allow", trustDomain: "public", namespace: "shop-dev" },
    ],
  });
  assert.deepEqual(
    configs["configuration-orders-service.yaml"].spec.accessControl.policies.map((p: Obj) => p.appId),
    ["mail-service"],
  );
  assert.deepEqual(configs["configuration-mail-service.yaml"].spec.accessControl, { defaultAction: "deny", trustDomain: "public", policies: [] });
});

test("NetworkPolicy: 50002 from both callers into the callee, out to each callee, HTTPS for the agent only", () => {
  const peers = (rule: Obj, key: "from" | "to") => rule[key].map((p: Obj) => p.podSelector.matchLabels["app.kubernetes.io/name"]);
  const stock = serviceNetworkPolicy(shop, svc("stock-service")) as Obj;
  assert.deepEqual(peers(stock.spec.ingress[0], "from"), ["orders-service", "mail-service"]);
  assert.deepEqual(stock.spec.ingress[0].ports, [{ protocol: "TCP", port: 50002 }]);
  assert.equal(
    stock.spec.egress.some((r: Obj) => r.ports.some((p: Obj) => p.port === 50002 || p.port === 443)),
    false,
  );
  const mail = serviceNetworkPolicy(shop, svc("mail-service")) as Obj;
  assert.equal(mail.spec.ingress, undefined, "nobody invokes mail and it is not public: no ingress rule at all (deny-all)");
  assert.deepEqual(mail.spec.policyTypes, ["Ingress", "Egress"]);
  const out = mail.spec.egress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 50002));
  assert.deepEqual(peers(out, "to"), ["stock-service", "orders-service"]);
  assert.deepEqual(mail.spec.egress.at(-1), { ports: [{ protocol: "TCP", port: 443 }] });
  const orders = serviceNetworkPolicy(shop, svc("orders-service")) as Obj;
  assert.equal(
    orders.spec.egress.some((r: Obj) => r.ports.some((p: Obj) => p.port === 443)),
    false,
  );
});

test("component endpoints: in-cluster Service hosts give a namespace, other hosts and Secrets any destination", () => {
  const kafka = component("pubsub", "pubsub.kafka", "v1", [{ name: "brokers", value: "b0.kafka.svc.cluster.local:9093, b1.kafka.svc:9094,external.example.com" }]) as Obj;
  assert.deepEqual(componentEndpoints(kafka), [
    { namespace: "kafka", port: 9093 },
    { namespace: "kafka", port: 9094 },
    { namespace: null, port: 9092 },
  ]);
  const redis = component("state", "state.redis", "v1", [{ name: "redisHost", value: "localhost:6380" }]) as Obj;
  assert.deepEqual(componentEndpoints(redis), [{ namespace: null, port: 6380 }]);
  const pg = component("state", "state.postgresql", "v2", [
    { name: "connectionString", secretKeyRef: { name: "pg", key: "dsn" } },
    { name: "tableName", value: "state" },
  ]) as Obj;
  assert.deepEqual(componentEndpoints(pg), [{ namespace: null, port: 5432 }]);
});

test("store egress selects the pods of the component's scopes and groups ports by namespace", () => {
  const kafka = component("pubsub", "pubsub.kafka", "v1", [{ name: "brokers", value: "a.kafka.svc:9093,b.kafka.svc:9093,c.kafka.svc:9094" }], {
    scopes: ["orders-service", "mail-service"],
  });
  const unscoped = component("state", "state.redis", "v1", [{ name: "redisHost", value: "redis.data.svc.cluster.local:6379" }]);
  const policies = storeEgressPolicies(shop, [kafka, unscoped]) as Record<string, Obj>;
  const pubsub = policies["pubsub-egress.yaml"];
  assert.deepEqual(pubsub.spec.podSelector.matchExpressions[0].values, ["orders-service", "mail-service"]);
  assert.deepEqual(pubsub.spec.egress, [
    {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kafka" } } }],
      ports: [
        { protocol: "TCP", port: 9093 },
        { protocol: "TCP", port: 9094 },
      ],
    },
  ]);
  assert.deepEqual(policies["state-egress.yaml"].spec.podSelector.matchExpressions[0].values, ["orders-service", "mail-service", "stock-service"]);
  // a component scoped to no app of the platform needs no policy
  const orphan = component("x", "state.redis", "v1", [{ name: "redisHost", value: "r:6379" }], { scopes: ["other-app"] });
  assert.deepEqual(storeEgressPolicies(shop, [orphan]), {});
});

/** Paths (a.b[0].c) of the empty lists and maps in `value`. */
function emptyCollections(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, i) => emptyCollections(v, `${path}[${i}]`));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyCollections(v, path ? `${path}.${k}` : k));
  }
  return [];
}

test("no Kubernetes object of a platform or a lone service holds an empty list or map the API server would drop", () => {
  const trees = [renderedPlatform(learnflowPreset()), renderServiceTree(buildServiceModel({ name: "solo-service", subscribes: ["a.b"] }))];
  let checked = 0;
  for (const tree of trees) {
    for (const file of tree.list()) {
      if (!/^(deploy|k8s)\/.*\.yaml$/.test(file.path) || file.path.endsWith("kustomization.yaml")) continue;
      const doc = parse(file.content) as Obj;
      // Dapr's custom resources are stored as written; the drift comes from built-in types' omitempty fields
      if (String(doc.apiVersion).startsWith("dapr.io/")) continue;
      checked++;
      // `podSelector: {}` (every pod of the namespace) is a required field the server keeps
      const empty = emptyCollections(doc).filter((p) => p !== "spec.podSelector");
      assert.deepEqual(empty, [], `${file.path}: ${empty.join(", ")}`);
    }
  }
  assert.ok(checked > 30, `checked ${checked} objects`);
});

test("a lone service: deny-by-default for its pods with its sidecar's needs, store egress from its cluster components, the app port only when public", () => {
  const yamlOf = (tree: ReturnType<typeof renderServiceTree>, path: string): Obj => {
    const file = tree.get(path);
    assert.ok(file, `${path} is rendered`);
    return parse(file.content);
  };
  const tree = renderServiceTree(buildServiceModel({ name: "solo-service", port: 8010, subscribes: ["a.b"], invokes: ["stock-service"] }));
  const resources: string[] = yamlOf(tree, "k8s/kustomization.yaml").resources;
  const policyFiles = resources.filter((r) => /networkpolicy|network\//.test(r));
  assert.deepEqual(policyFiles, ["networkpolicy.yaml", "network/solo-service-pubsub-egress.yaml", "network/solo-service-state-store-egress.yaml"]);

  const own = yamlOf(tree, "k8s/networkpolicy.yaml");
  assert.deepEqual(own.spec.podSelector, { matchLabels: { "app.kubernetes.io/name": "solo-service" } });
  // both directions listed: nothing is allowed that no rule names
  assert.deepEqual(own.spec.policyTypes, ["Ingress", "Egress"]);
  assert.equal(own.spec.ingress, undefined, "not public, callers unknown: nothing may come in");
  const namespaces = (rule: Obj) => (rule.to ?? []).map((peer: Obj) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]);
  assert.deepEqual(own.spec.egress.map(namespaces), [["kube-system"], ["dapr-system"], [undefined]]);
  assert.deepEqual(
    own.spec.egress[1].ports.map((p: Obj) => p.port),
    [50001, 6500, 50005, 50006],
  );
  // the callee is deployed elsewhere: its pods are found by the app id label Dapr's injector adds
  assert.deepEqual(own.spec.egress[2], {
    to: [{ podSelector: { matchLabels: { "dapr.io/app-id": "stock-service" } } }],
    ports: [{ protocol: "TCP", port: 50002 }],
  });

  // the stores of k8s/dapr: Kafka in namespace kafka on 9093, PostgreSQL from a Secret (any destination, 5432)
  const kafka = yamlOf(tree, "k8s/network/solo-service-pubsub-egress.yaml");
  assert.deepEqual(kafka.spec.podSelector.matchExpressions[0].values, ["solo-service"]);
  assert.deepEqual(kafka.spec.egress, [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kafka" } } }], ports: [{ protocol: "TCP", port: 9093 }] }]);
  assert.deepEqual(yamlOf(tree, "k8s/network/solo-service-state-store-egress.yaml").spec.egress, [{ ports: [{ protocol: "TCP", port: 5432 }] }]);

  const publicOwn = yamlOf(renderServiceTree(buildServiceModel({ name: "solo-service", port: 8010, public: true })), "k8s/networkpolicy.yaml");
  assert.deepEqual(publicOwn.spec.ingress, [
    { from: [{ namespaceSelector: { matchLabels: { "fastdapr.io/ingress-controller": "true" } } }], ports: [{ protocol: "TCP", port: 8010 }] },
  ]);
});

/** Paths and values of the resource quantities in `value` (container requests and limits). */
function quantities(value: unknown, path = ""): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => quantities(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    if ((k === "requests" || k === "limits") && v && typeof v === "object") {
      return Object.entries(v).map(([name, q]) => [`${at}.${name}`, String(q)] as [string, string]);
    }
    return quantities(v, at);
  });
}

test("resource quantities are written as the API server stores them (no kubectl apply churn)", () => {
  const trees = [renderedPlatform(learnflowPreset()), renderServiceTree(buildServiceModel({ name: "solo-service", subscribes: ["a.b"], tier: "agent" }))];
  let checked = 0;
  for (const tree of trees) {
    for (const file of tree.list()) {
      if (!/^(deploy|k8s)\/.*\.yaml$/.test(file.path)) continue;
      for (const [at, q] of quantities(parse(file.content))) {
        checked++;
        // canonical: whole cores without "m", whole GiB as Gi (1000m is stored as 1, 1024Mi as 1Gi)
        const milli = /^(\d+)m$/.exec(q);
        assert.ok(!milli || Number(milli[1]) % 1000 !== 0, `${file.path} ${at}: ${q} is stored as ${Number(milli?.[1]) / 1000}`);
        const mebi = /^(\d+)Mi$/.exec(q);
        assert.ok(!mebi || Number(mebi[1]) % 1024 !== 0, `${file.path} ${at}: ${q} is stored as ${Number(mebi?.[1]) / 1024}Gi`);
      }
    }
  }
  assert.ok(checked > 20, `checked ${checked} quantities`);
});
