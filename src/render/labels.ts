// Labels shared by every Kubernetes object of a service, so selectors always agree.
import type { ServiceModel } from "../model/service.js";

export function selectorLabels(svc: ServiceModel): Record<string, string> {
  return { "app.kubernetes.io/name": svc.name };
}

export function commonLabels(svc: ServiceModel): Record<string, string> {
  return {
    ...selectorLabels(svc),
    "app.kubernetes.io/component": svc.tier === "agent" ? "agent" : "service",
    "app.kubernetes.io/part-of": svc.namespace ?? svc.name,
    "app.kubernetes.io/managed-by": "fastdapr",
  };
}
