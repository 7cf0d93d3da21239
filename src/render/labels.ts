// Labels shared by every Kubernetes object of a service, so selectors always agree.
import type { ServiceModel } from "../model/service.js";

/** The label that tells one service's pods apart (Deployment, Service, PDB and NetworkPolicy selectors). */
export const NAME_LABEL = "app.kubernetes.io/name";

export function selectorLabels(svc: ServiceModel): Record<string, string> {
  return { [NAME_LABEL]: svc.name };
}

export function commonLabels(svc: ServiceModel): Record<string, string> {
  return {
    ...selectorLabels(svc),
    "app.kubernetes.io/component": svc.tier === "agent" ? "agent" : "service",
    // the platform's name, as on every other object of the platform (its kustomization and policies);
    // not the namespace, which a manifest may set to something else
    "app.kubernetes.io/part-of": svc.platform ?? svc.name,
    "app.kubernetes.io/managed-by": "fastdapr",
  };
}
