// Labels shared by every Kubernetes object of a service or platform, written here only, so selectors
// and the labels they select always agree.
import type { ServiceModel } from "../model/service.js";

/** The label that tells one service's pods apart (Deployment, Service, PDB and NetworkPolicy selectors). */
export const NAME_LABEL = "app.kubernetes.io/name";
/** The platform's name, on every object of it; a lone service's own name. */
const PART_OF_LABEL = "app.kubernetes.io/part-of";
const MANAGED_BY = { "app.kubernetes.io/managed-by": "fastdapr" } as const;

export function selectorLabels(svc: ServiceModel): Record<string, string> {
  return { [NAME_LABEL]: svc.name };
}

/** The platform's label alone: what kustomize adds to every object of an overlay or the base. */
export function partOfLabel(platform: string): Record<string, string> {
  return { [PART_OF_LABEL]: platform };
}

/** An object of the platform that belongs to no one service (its default-deny and store policies). */
export function platformLabels(platform: string): Record<string, string> {
  return { ...partOfLabel(platform), ...MANAGED_BY };
}

export function commonLabels(svc: ServiceModel): Record<string, string> {
  return {
    ...selectorLabels(svc),
    "app.kubernetes.io/component": svc.tier === "agent" ? "agent" : "service",
    // the platform's name, as on every other object of the platform (its kustomization and policies);
    // not the namespace, which a manifest may set to something else
    ...partOfLabel(svc.platform ?? svc.name),
    ...MANAGED_BY,
  };
}
