// Resource tiers from the research note's table (app container) and its sidecar row, written in
// Kubernetes' canonical form ("1", not "1000m"): the API server stores quantities canonically, so
// any other spelling makes every `kubectl apply` re-send the field and report the object configured.
import type { ResourceSpec, Tier } from "./service.js";

export const TIER_RESOURCES: Record<Tier, ResourceSpec> = {
  lightweight: { cpuRequest: "100m", cpuLimit: "500m", memoryRequest: "128Mi", memoryLimit: "256Mi" },
  standard: { cpuRequest: "200m", cpuLimit: "1", memoryRequest: "256Mi", memoryLimit: "512Mi" },
  agent: { cpuRequest: "500m", cpuLimit: "2", memoryRequest: "512Mi", memoryLimit: "1Gi" },
};

export const SIDECAR_RESOURCES: ResourceSpec = {
  cpuRequest: "50m",
  cpuLimit: "200m",
  memoryRequest: "64Mi",
  memoryLimit: "128Mi",
};

/** CPU cores of a Kubernetes quantity ("100m" → 0.1, "2" → 2). */
function cores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/**
 * Server processes (WEB_CONCURRENCY) for a container: one per core it is guaranteed (its CPU
 * request), at least one. A worker beyond the request only competes for the same CPU share and
 * costs another copy of the app's memory; every tier today requests less than a core, so one.
 */
export function webConcurrency(resources: ResourceSpec): number {
  return Math.max(1, Math.floor(cores(resources.cpuRequest)));
}
