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
