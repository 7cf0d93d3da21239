// The platform's observability settings with the defaults resolved: the OTLP endpoint of every
// environment (or none) and the sampling rate. The manifest leaves compose and dev to the collector
// fastdapr generates beside them, and local and prod to an endpoint the user names.
import type { OBSERVABILITY_ENVS, ObservabilityEntry } from "../manifest/schema.js";

export type ObservabilityEnv = (typeof OBSERVABILITY_ENVS)[number];

/** Name of the collector's compose service and Kubernetes Service (dev overlay). */
export const COLLECTOR_NAME = "otel-collector";
/** The OTLP/HTTP port, the only one the generated collectors open. */
export const OTLP_HTTP_PORT = 4318;
/** The generated collectors' endpoint: the same name resolves in the compose network and in the dev namespace. */
export const BUNDLED_COLLECTOR_ENDPOINT = `http://${COLLECTOR_NAME}:${OTLP_HTTP_PORT}`;

export interface PlatformObservability {
  /** Fraction of traces kept (0–1). */
  samplingRate: number;
  /** OTLP/HTTP base URL per environment, without a trailing slash; null: nothing is exported there. */
  endpoints: Record<ObservabilityEnv, string | null>;
  /** Environments whose endpoint is the collector fastdapr generates (compose, dev). */
  bundledCollector: Record<"compose" | "dev", boolean>;
}

export function platformObservability(entry: ObservabilityEntry): PlatformObservability {
  const given = entry.endpoints;
  const bundled = (value: string | false | undefined) => value === undefined;
  const url = (value: string | false | undefined, fallback: string | null) => (value === false ? null : value === undefined ? fallback : value.replace(/\/$/, ""));
  return {
    samplingRate: entry.samplingRate,
    endpoints: {
      local: url(given.local, null),
      compose: url(given.compose, BUNDLED_COLLECTOR_ENDPOINT),
      dev: url(given.dev, BUNDLED_COLLECTOR_ENDPOINT),
      prod: url(given.prod, null),
    },
    bundledCollector: { compose: bundled(given.compose), dev: bundled(given.dev) },
  };
}

/** The defaults alone: a lone service (`fastdapr new`) has no manifest section. */
export const DEFAULT_OBSERVABILITY: PlatformObservability = platformObservability({ samplingRate: 1, endpoints: {} });
