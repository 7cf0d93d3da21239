// Kubernetes NetworkPolicies that allow only what the platform graph needs. The namespace starts
// from deny-all (ingress and egress); each service's policy then opens exactly:
//   ingress  - the sidecar's internal gRPC port 50002 from the pods of the services that invoke it;
//            - the app's HTTP port from the ingress controller (namespaces labelled below), for
//              the services the manifest marks `public` only;
//   egress   - DNS, the Dapr control plane, 50002 of the services it invokes, and HTTPS for agents.
// Egress to the backing stores depends on the environment, so the overlays add one policy per Dapr
// component, derived from the component's own addresses and scopes (see storeEgressPolicies).
// Traffic inside a pod (app <-> daprd on localhost) and kubelet probes (from the node) are never
// filtered by NetworkPolicy, so they need no rule.
//
// A lone service (`fastdapr new`) gets the same policies as a platform of one (loneServicePolicies),
// except the namespace-wide deny-all: it does not own its namespace, so its own policy, which lists
// both directions in policyTypes, is what makes its pods deny-by-default.
import type { PlatformModel } from "../platform/model.js";
import type { ServiceModel } from "../model/service.js";
import type { DaprComponent, DaprResource } from "./dapr-types.js";
import { callersOf } from "./access-control.js";
import { commonLabels, NAME_LABEL, platformLabels, selectorLabels } from "./labels.js";

/** daprd's internal gRPC port (sidecar to sidecar), `dapr.io/internal-grpc-port`'s default. */
export const SIDECAR_INTERNAL_GRPC_PORT = 50002;

/**
 * The Dapr control plane as the Helm chart installs it (namespace dapr-system): the pods' container
 * ports, which is what a NetworkPolicy matches (the Services' 443/80 are translated before that).
 * Sentry issues the mTLS certificates, the operator (Service dapr-api) serves components and
 * configurations, placement and scheduler serve actors, workflows, reminders and jobs.
 */
export const DAPR_CONTROL_PLANE = {
  namespace: "dapr-system",
  ports: { sentry: 50001, operator: 6500, placement: 50005, scheduler: 50006 },
};

/**
 * The namespace label that marks the ingress controller (or Gateway) allowed to reach the HTTP ports
 * of the services the manifest marks `public`:
 * `kubectl label namespace <controller namespace> fastdapr.io/ingress-controller=true`.
 * No other pod can reach an app port (service-to-service calls go through Dapr's sidecars).
 */
export const INGRESS_CONTROLLER_LABEL = { "fastdapr.io/ingress-controller": "true" };

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** Added to each pod by Dapr's sidecar injector (dapr/dapr pkg/injector/patcher, `dapr.io/app-id`). */
const INJECTED_APP_ID_LABEL = "dapr.io/app-id";
const DNS_NAMESPACE = "kube-system";
const HTTPS_PORT = 443;

type Port = { protocol: "TCP" | "UDP"; port: number };
const tcp = (port: number): Port => ({ protocol: "TCP", port });
const inNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } });
const podsOf = (svc: ServiceModel) => ({ podSelector: { matchLabels: selectorLabels(svc) } });

function networkPolicy(name: string, labels: Record<string, string>, spec: object): object {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, labels }, spec };
}

/**
 * A rule list, or nothing when it is empty: the API server drops an empty list, so writing
 * `ingress: []` would make every `kubectl apply` (and `kubectl diff`) see a change. With the
 * direction in policyTypes, no rules already denies everything.
 */
function rules(key: "ingress" | "egress", list: object[]): Record<string, object[]> {
  return list.length > 0 ? { [key]: list } : {};
}

/** What the policies read of a platform: its name (labels) and its services (the graph). */
type Graph = Pick<PlatformModel, "name" | "services">;

/** Deny every ingress and egress of every pod in the namespace; the other policies add what is needed. */
export function defaultDenyPolicy(p: Graph): object {
  return networkPolicy("default-deny", platformLabels(p.name), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

/** One service's graph-derived policy (ingress from callers and the ingress controller, egress to the platform's needs). */
export function serviceNetworkPolicy(p: Graph, svc: ServiceModel): object {
  const callers = callersOf(p, svc);
  // a callee outside the graph (a lone service's) is deployed by someone else: select it by the
  // app id label Dapr's sidecar injector puts on every pod it injects
  const callees = svc.invokes.map((i) => {
    const callee = p.services.find((s) => s.appId === i.appId);
    return callee ? podsOf(callee) : { podSelector: { matchLabels: { [INJECTED_APP_ID_LABEL]: i.appId } } };
  });
  const ingress = [
    ...(callers.length > 0 ? [{ from: callers.map(podsOf), ports: [tcp(SIDECAR_INTERNAL_GRPC_PORT)] }] : []),
    ...(svc.public ? [{ from: [{ namespaceSelector: { matchLabels: INGRESS_CONTROLLER_LABEL } }], ports: [tcp(svc.port)] }] : []),
  ];
  const egress = [
    { to: [inNamespace(DNS_NAMESPACE)], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] },
    { to: [inNamespace(DAPR_CONTROL_PLANE.namespace)], ports: Object.values(DAPR_CONTROL_PLANE.ports).map(tcp) },
    ...(callees.length > 0 ? [{ to: callees, ports: [tcp(SIDECAR_INTERNAL_GRPC_PORT)] }] : []),
    // the LLM endpoint is outside the cluster and its address is a setting, so any destination on 443
    ...(svc.agent ? [{ ports: [tcp(HTTPS_PORT)] }] : []),
  ];
  return networkPolicy(svc.name, commonLabels(svc), {
    podSelector: { matchLabels: selectorLabels(svc) },
    // both types listed, so a missing rule list means "nothing allowed" (deny-all in that direction)
    policyTypes: ["Ingress", "Egress"],
    ...rules("ingress", ingress),
    ...rules("egress", egress),
  });
}

// ---------------------------------------------------------------------------------------------
// Backing stores, from the Dapr components of one environment.

/** Component metadata items that hold the store's address, and the port when it sits in a Secret. */
const ADDRESS_ITEMS = ["redisHost", "brokers", "connectionString", "host"];
const DEFAULT_PORTS: [RegExp, number][] = [
  [/\.redis$/, 6379],
  [/^state\.postgresql$/, 5432],
  [/^pubsub\.kafka$/, 9092],
];

interface Endpoint {
  /** Kubernetes namespace of an in-cluster `<service>.<namespace>.svc[.cluster.local]` host, else null (any destination) */
  namespace: string | null;
  port: number;
}

function parseHostPort(hostPort: string, fallbackPort: number): Endpoint {
  const m = /^([^:/]+)(?::(\d+))?$/.exec(hostPort.trim());
  const host = m?.[1] ?? "";
  const port = m?.[2] ? Number(m[2]) : fallbackPort;
  const svcHost = /^[^.]+\.([^.]+)\.svc(\.cluster\.local)?$/.exec(host);
  return { namespace: svcHost?.[1] ?? null, port };
}

/**
 * Where a component connects: each address in its metadata. An in-cluster Service address becomes
 * that namespace and port; an address kept in a Secret (a connection string) is unknown when the
 * files are generated, and may well be a managed database outside the cluster, so it becomes the
 * store's default port towards any destination (narrow it with an ipBlock once the address is known).
 */
export function componentEndpoints(doc: DaprComponent): Endpoint[] {
  const fallback = DEFAULT_PORTS.find(([re]) => re.test(doc.spec.type))?.[1];
  const endpoints: Endpoint[] = [];
  for (const item of doc.spec.metadata) {
    if (!ADDRESS_ITEMS.includes(item.name)) continue;
    if ("value" in item && item.name !== "connectionString") {
      for (const hostPort of item.value.split(",")) endpoints.push(parseHostPort(hostPort, fallback ?? 0));
    } else if (fallback !== undefined) {
      endpoints.push({ namespace: null, port: fallback });
    }
  }
  return endpoints.filter((e) => e.port > 0);
}

/**
 * One egress policy per component (other Dapr resources are skipped): the pods of the apps in the component's `scopes` (every app when
 * unscoped) may reach the component's endpoints. Kept per environment (overlay) because dev and
 * prod stores live in different places.
 */
export function storeEgressPolicies(p: Graph, components: DaprResource[], namePrefix = ""): Record<string, object> {
  const files: Record<string, object> = {};
  for (const doc of components) {
    if (doc.kind !== "Component") continue; // a Configuration or Resiliency among them connects nowhere
    const endpoints = componentEndpoints(doc);
    if (endpoints.length === 0) continue;
    const scoped = doc.scopes ? p.services.filter((s) => doc.scopes!.includes(s.appId)) : p.services;
    if (scoped.length === 0) continue;
    const byNamespace = new Map<string | null, number[]>();
    for (const e of endpoints) {
      const ports = byNamespace.get(e.namespace) ?? [];
      if (!ports.includes(e.port)) ports.push(e.port);
      byNamespace.set(e.namespace, ports);
    }
    const egress = [...byNamespace].map(([namespace, ports]) => ({
      ...(namespace === null ? {} : { to: [inNamespace(namespace)] }),
      ports: ports.map(tcp),
    }));
    const name = `${namePrefix}${doc.metadata.name}-egress`;
    files[`${name}.yaml`] = networkPolicy(name, platformLabels(p.name), {
      podSelector: {
        matchExpressions: [{ key: NAME_LABEL, operator: "In", values: scoped.map((s) => s.name) }],
      },
      policyTypes: ["Egress"],
      egress,
    });
  }
  return files;
}

/**
 * The policies of a lone service, by file name: its own (deny-by-default for its pods, with what
 * its sidecar needs) and egress to the stores of its cluster components. Named after the service,
 * since it may share its namespace with other lone services and their components of the same names.
 */
export function loneServicePolicies(svc: ServiceModel, components: DaprResource[]): Record<string, object> {
  const graph: Graph = { name: svc.name, services: [svc] };
  const stores = storeEgressPolicies(graph, components, `${svc.name}-`);
  return {
    "networkpolicy.yaml": serviceNetworkPolicy(graph, svc),
    ...Object.fromEntries(Object.entries(stores).map(([file, doc]) => [`network/${file}`, doc])),
  };
}
