// The Dapr resources fastdapr writes, as types: a Component, a Configuration and a Resiliency, with
// the fields the renderers set. Every renderer that builds or reads one (the Dapr files, the
// Secrets they reference, egress policies, the AsyncAPI servers, access control) uses these, so a
// field cannot be spelt one way where it is written and another where it is read.

/** A component's metadata entry: a value in the file, or a reference to a Kubernetes Secret's key. */
export type DaprMetadataItem = { name: string; value: string } | { name: string; secretKeyRef: { name: string; key: string } };

interface DaprResourceOf<Kind extends string, Spec> {
  apiVersion: "dapr.io/v1alpha1";
  kind: Kind;
  metadata: { name: string };
  spec: Spec;
  /** The app ids that may load it; every app when absent. */
  scopes?: string[];
}

export type DaprComponent = DaprResourceOf<"Component", { type: string; version: string; metadata: DaprMetadataItem[] }>;

export interface AccessControlSpec {
  defaultAction: "allow" | "deny";
  trustDomain: string;
  policies: { appId: string; defaultAction: "allow" | "deny"; trustDomain: string; namespace: string }[];
}

/** A Configuration's `tracing`: the sampling rate, and where the sidecar exports its spans (OTLP) if anywhere. */
export interface DaprTracing {
  samplingRate: string;
  stdout: boolean;
  otel?: { endpointAddress: string; isSecure: boolean; protocol: "http" | "grpc" };
}

export type DaprConfiguration = DaprResourceOf<
  "Configuration",
  {
    tracing: DaprTracing;
    metric: { enabled: boolean; http: { increasedCardinality: boolean } };
    accessControl?: AccessControlSpec;
  }
>;

export type DaprResiliency = DaprResourceOf<"Resiliency", Record<"policies" | "targets", Record<string, unknown>>>;

export type DaprResource = DaprComponent | DaprConfiguration | DaprResiliency;

/** The value of a component's metadata entry `name`, when it is given in the file. */
export function metadataValue(component: DaprComponent, name: string): string | undefined {
  const item = component.spec.metadata.find((m) => m.name === name);
  return item && "value" in item ? item.value : undefined;
}

/** The Secret key a component's metadata entry `name` is read from, when it is one. */
export function metadataSecret(component: DaprComponent, name: string): { name: string; key: string } | undefined {
  const item = component.spec.metadata.find((m) => m.name === name);
  return item && "secretKeyRef" in item ? item.secretKeyRef : undefined;
}
