// A real OpenTelemetry Collector on 127.0.0.1 and a free port: the distribution scripts/provision-otel.sh
// builds (core OTLP receiver, an exporter appending OTLP/JSON lines to files), whose files the tests
// read back as spans and metric points.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnManaged } from "./proc.js";
import { cacheRoot, freePort, tcpOpen, tempDir, waitFor } from "./util.js";

/** One span as the collector received it (OTLP/JSON: ids in hex). */
export interface ExportedSpan {
  service: string;
  /** instrumentation scope: "app" for the generated services' own spans; daprd's spans name another */
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  attributes: Record<string, unknown>;
}

/** One data point of a metric. */
export interface ExportedPoint {
  service: string;
  metric: string;
  attributes: Record<string, unknown>;
  /** a sum's value or a histogram's count */
  value: number;
}

export interface Collector {
  /** OTLP/HTTP base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it */
  endpoint: string;
  port: number;
  spans(): ExportedSpan[];
  points(): ExportedPoint[];
  stop(): Promise<void>;
}

type KeyValue = { key: string; value: Record<string, unknown> };

function attributes(list: KeyValue[] = []): Record<string, unknown> {
  const value = (v: Record<string, unknown>) => {
    if ("intValue" in v) return Number(v.intValue);
    return v.stringValue ?? v.boolValue ?? v.doubleValue ?? v;
  };
  return Object.fromEntries(list.map((kv) => [kv.key, value(kv.value)]));
}

function lines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function parseSpans(file: string): ExportedSpan[] {
  return lines(file).flatMap((doc: any) =>
    (doc.resourceSpans ?? []).flatMap((rs: any) => {
      const service = String(attributes(rs.resource?.attributes)["service.name"] ?? "");
      return (rs.scopeSpans ?? []).flatMap((ss: any) =>
        (ss.spans ?? []).map((s: any) => ({
          service,
          scope: String(ss.scope?.name ?? ""),
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? "",
          name: s.name,
          kind: Number(s.kind ?? 0),
          attributes: attributes(s.attributes),
        })),
      );
    }),
  );
}

function parsePoints(file: string): ExportedPoint[] {
  return lines(file).flatMap((doc: any) =>
    (doc.resourceMetrics ?? []).flatMap((rm: any) => {
      const service = String(attributes(rm.resource?.attributes)["service.name"] ?? "");
      return (rm.scopeMetrics ?? []).flatMap((sm: any) =>
        (sm.metrics ?? []).flatMap((m: any) => {
          const data = m.sum ?? m.gauge ?? m.histogram;
          return (data?.dataPoints ?? []).map((p: any) => ({
            service,
            metric: m.name,
            attributes: attributes(p.attributes),
            value: Number(p.asInt ?? p.asDouble ?? p.count ?? 0),
          }));
        }),
      );
    }),
  );
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The collector binary provision-otel.sh built (its path is in $FASTDAPR_CACHE/otelcol.json). */
export function otelcolBinary(): string {
  const file = join(cacheRoot(), "otelcol.json");
  if (!existsSync(file)) throw new Error(`${file} not found: run \`bash scripts/provision-otel.sh\` first`);
  return (JSON.parse(readFileSync(file, "utf8")) as { otelcol: string }).otelcol;
}

/**
 * `port`: listen there when it is free (the OTLP/HTTP default 4318 catches an exporter that falls
 * back to its default endpoint), else on a free port.
 */
export async function startCollector(opts: { deadlineMs?: number; port?: number } = {}): Promise<Collector> {
  const port = opts.port !== undefined && !(await tcpOpen(opts.port)) ? opts.port : await freePort();
  const dir = tempDir("otelcol");
  const traces = join(dir, "traces.jsonl");
  const metrics = join(dir, "metrics.jsonl");
  const config = {
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` } } } },
    exporters: { "jsonlines/traces": { path: traces }, "jsonlines/metrics": { path: metrics } },
    service: {
      pipelines: {
        traces: { receivers: ["otlp"], exporters: ["jsonlines/traces"] },
        metrics: { receivers: ["otlp"], exporters: ["jsonlines/metrics"] },
      },
      // no port of its own (its self-metrics would bind 8888): tests run side by side
      telemetry: { metrics: { level: "none" } },
    },
  };
  // JSON is YAML: the collector reads it as its configuration file
  writeFileSync(join(dir, "config.yaml"), JSON.stringify(config, null, 2));
  const proc = spawnManaged({
    name: `otelcol-${port}`,
    command: otelcolBinary(),
    args: ["--config", join(dir, "config.yaml")],
    cwd: dir,
    deadlineMs: opts.deadlineMs,
  });
  await waitFor(`otelcol on ${port}`, () => tcpOpen(port), {
    timeoutMs: 20_000,
    abortIf: () => (proc.hasExited() ? `otelcol exited early; log:\n${proc.logs().slice(-4000)}` : undefined),
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    spans: () => parseSpans(traces),
    points: () => parsePoints(metrics),
    stop: () => proc.stop(),
  };
}
