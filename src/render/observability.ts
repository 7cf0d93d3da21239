// OpenTelemetry wiring of a platform, per environment (manifest `observability`, resolved in
// src/platform/observability.ts): where the sidecars send traces (the Dapr Configuration's
// `tracing.otel`), the OTEL_* variables the services read (app/core/telemetry.py), the collector
// compose and the dev overlay run, and the NetworkPolicies that let exactly that traffic through.
// The services and their sidecars send to one endpoint over OTLP/HTTP; with no endpoint the
// sidecars still sample (trace context keeps flowing into logs and events) but export nothing.
import type { PlatformModel } from "../platform/model.js";
import { COLLECTOR_NAME, OTLP_HTTP_PORT, type ObservabilityEnv, type PlatformObservability } from "../platform/observability.js";
import { CONTAINER_IMAGES } from "../versions.js";
import type { ComposeService } from "./compose.js";
import { NAME_LABEL, platformLabels } from "./labels.js";
import { toYaml } from "./yaml.js";
import type { DaprTracing } from "./dapr-types.js";

/** daprd's Prometheus port (`dapr.io/metrics-port`'s default), where the sidecar's metrics are scraped. */
export const SIDECAR_METRICS_PORT = 9090;

/**
 * The namespace label that marks the Prometheus allowed to scrape the sidecars:
 * `kubectl label namespace <prometheus namespace> fastdapr.io/metrics-scraper=true`.
 */
export const METRICS_SCRAPER_LABEL = { "fastdapr.io/metrics-scraper": "true" };

/** Where the compose file mounts the collector's configuration from (platform root). */
export const COMPOSE_COLLECTOR_CONFIG = "otel/collector.yaml";

interface Endpoint {
  host: string;
  port: number;
  secure: boolean;
}

function parseEndpoint(url: string): Endpoint {
  const m = /^(https?):\/\/([^:/]+):(\d+)\/?$/.exec(url);
  if (!m) throw new Error(`not an OTLP endpoint: ${url}`); // the manifest schema refused it already
  return { secure: m[1] === "https", host: m[2]!, port: Number(m[3]) };
}

/** `spec.tracing` of a Dapr Configuration: the sampling rate, and the OTLP/HTTP exporter when there is an endpoint. */
export function tracingSpec(obs: PlatformObservability, env: ObservabilityEnv): DaprTracing {
  const url = obs.endpoints[env];
  const endpoint = url === null ? null : parseEndpoint(url);
  return {
    samplingRate: String(obs.samplingRate),
    stdout: false,
    // daprd's exporter takes host:port (it adds /v1/traces), and TLS unless isSecure is false
    ...(endpoint ? { otel: { endpointAddress: `${endpoint.host}:${endpoint.port}`, isSecure: endpoint.secure, protocol: "http" } } : {}),
  };
}

/**
 * The standard OpenTelemetry variables a service reads in an environment: none without an endpoint
 * (the service then sets nothing up). The service name defaults to the app id in the code.
 */
export function telemetryEnvironment(obs: PlatformObservability, env: ObservabilityEnv): Record<string, string> {
  const url = obs.endpoints[env];
  if (url === null) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    // parent-based: a trace the sidecar (same rate) or the caller sampled is kept whole
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: String(obs.samplingRate),
  };
}

/**
 * The generated collector's configuration: OTLP/HTTP in, a one-line summary per batch out (the
 * `debug` exporter). Point `exporters` at your tracing and metrics backends to keep the data.
 */
export function collectorConfig(): object {
  const pipeline = { receivers: ["otlp"], processors: ["batch"], exporters: ["debug"] };
  return {
    receivers: { otlp: { protocols: { http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } } },
    processors: { batch: {} },
    exporters: { debug: { verbosity: "basic" } },
    service: { pipelines: { traces: pipeline, metrics: pipeline } },
  };
}

/** The compose service of the collector (its port stays inside the compose network). */
export function composeCollector(): ComposeService {
  return {
    image: CONTAINER_IMAGES.otelCollector,
    // the image reads /etc/otelcol/config.yaml by default
    volumes: [`./${COMPOSE_COLLECTOR_CONFIG}:/etc/otelcol/config.yaml:ro`],
    read_only: true,
    restart: "unless-stopped",
  };
}

const collectorLabels = (p: Pick<PlatformModel, "name">) => ({
  [NAME_LABEL]: COLLECTOR_NAME,
  // not a Dapr app: no sidecar is injected into it
  "app.kubernetes.io/component": "collector",
  ...platformLabels(p.name),
});
const platformPods = (p: Pick<PlatformModel, "services">) => ({
  podSelector: { matchExpressions: [{ key: NAME_LABEL, operator: "In", values: p.services.map((s) => s.name) }] },
});

/** The dev overlay's collector: its configuration, a Deployment, its Service and who may reach it. */
export function devCollectorObjects(p: Pick<PlatformModel, "name" | "services">): Record<string, object> {
  const labels = collectorLabels(p);
  const selector = { [NAME_LABEL]: COLLECTOR_NAME };
  const uid = 10001; // the image's own user
  return {
    "configmap.yaml": {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${COLLECTOR_NAME}-config`, labels },
      data: { "config.yaml": toYaml(collectorConfig()) },
    },
    "deployment.yaml": {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: COLLECTOR_NAME, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "collector",
                image: CONTAINER_IMAGES.otelCollector,
                args: ["--config=/conf/config.yaml"],
                ports: [{ name: "otlp-http", containerPort: OTLP_HTTP_PORT, protocol: "TCP" }],
                // the core distribution has no health-check extension: the receiver's port is the signal
                livenessProbe: { tcpSocket: { port: "otlp-http" }, periodSeconds: 10, failureThreshold: 3 },
                readinessProbe: { tcpSocket: { port: "otlp-http" }, periodSeconds: 5 },
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                env: [{ name: "GOMEMLIMIT", value: "200MiB" }],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [
                  { name: "config", mountPath: "/conf", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: `${COLLECTOR_NAME}-config` } },
              { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
            ],
          },
        },
      },
    },
    "service.yaml": {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: COLLECTOR_NAME, labels },
      spec: {
        type: "ClusterIP",
        selector,
        ports: [{ name: "otlp-http", port: OTLP_HTTP_PORT, targetPort: "otlp-http", protocol: "TCP" }],
      },
    },
    // the namespace denies everything by default: the platform's pods may send, nothing else
    // comes in, and the debug exporter sends nowhere
    "networkpolicy.yaml": networkPolicy(COLLECTOR_NAME, platformLabels(p.name), {
      podSelector: { matchLabels: selector },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [platformPods(p)], ports: [{ protocol: "TCP", port: OTLP_HTTP_PORT }] }],
    }),
  };
}

function networkPolicy(name: string, labels: Record<string, string>, spec: object): object {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, labels }, spec };
}

/**
 * Egress from every pod of the platform (app and sidecar alike) to the environment's OTLP
 * endpoint: the generated collector's pods, an in-cluster `<service>.<namespace>[.svc…]` by its
 * namespace, and anything else (a hosted backend) by its port alone, since its addresses are not
 * known when the files are generated. Null without an endpoint.
 */
export function telemetryEgressPolicy(p: Pick<PlatformModel, "name" | "services" | "observability">, env: "dev" | "prod"): object | null {
  const url = p.observability.endpoints[env];
  if (url === null) return null;
  const { host, port } = parseEndpoint(url);
  const bundled = env === "dev" && p.observability.bundledCollector.dev;
  const inCluster = /^[a-z0-9-]+\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?$/.exec(host);
  const to = bundled
    ? [{ podSelector: { matchLabels: { [NAME_LABEL]: COLLECTOR_NAME } } }]
    : inCluster
      ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": inCluster[1]! } } }]
      : null;
  return networkPolicy(`${COLLECTOR_NAME}-egress`, platformLabels(p.name), {
    ...platformPods(p),
    policyTypes: ["Egress"],
    egress: [{ ...(to ? { to } : {}), ports: [{ protocol: "TCP", port }] }],
  });
}

/** Prometheus, from a namespace carrying METRICS_SCRAPER_LABEL, may scrape every sidecar's metrics port. */
export function metricsScrapePolicy(p: Pick<PlatformModel, "name" | "services">): object {
  return networkPolicy("metrics-scrape", platformLabels(p.name), {
    ...platformPods(p),
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: METRICS_SCRAPER_LABEL } }],
        ports: [{ protocol: "TCP", port: SIDECAR_METRICS_PORT }],
      },
    ],
  });
}

/**
 * Kustomize patches that add an environment's OTEL_* variables to every service's ConfigMap (the
 * base holds the variables every environment shares); none without an endpoint.
 */
export function telemetryConfigPatches(p: Pick<PlatformModel, "services" | "observability">, env: "dev" | "prod"): object[] {
  const vars = telemetryEnvironment(p.observability, env);
  if (Object.keys(vars).length === 0) return [];
  const ops = Object.entries(vars).map(([name, value]) => ({ op: "add", path: `/data/${name}`, value }));
  return p.services.map((svc) => ({
    target: { kind: "ConfigMap", name: `${svc.name}-config` },
    patch: JSON.stringify(ops),
  }));
}
