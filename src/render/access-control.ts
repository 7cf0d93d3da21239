// Dapr service-invocation access control derived from the platform graph: a service may be invoked
// only by the app ids that declare `invokes` of it. Dapr enforces this on the CALLEE's sidecar, from
// the callee's own Configuration, so every service of a Kubernetes overlay gets its own Configuration
// (the shared `appconfig` tracing and metrics plus `spec.accessControl`) and its pods point at it.
//
// Why per-app policies are Kubernetes-only: the callee identifies the caller by the SPIFFE ID in the
// caller's mTLS certificate, issued by Dapr Sentry (on by default in a Kubernetes install). Without
// mTLS there is no caller identity and daprd applies only the global `defaultAction` to every call
// (dapr/dapr pkg/acl: no SPIFFE ID → global action), so `deny` would also refuse the declared
// callers. The self-hosted configurations (dapr/config.yaml for `dapr run -f .` and compose) stay
// permissive for that reason; docs/security.md says how to move from the laptop to the cluster.
// test/e2e/access-control.test.ts runs these Configurations on real daprd with a self-hosted Sentry:
// the declared caller gets through, an undeclared one and the same app id from another namespace get 403.
import type { PlatformModel } from "../platform/model.js";
import type { ServiceModel } from "../model/service.js";
import { daprConfiguration } from "./dapr-resources.js";
import type { AccessControlSpec, DaprConfiguration } from "./dapr-types.js";

/**
 * Dapr's default trust domain. Sentry's Kubernetes validator puts the trust domain of the CALLER's
 * Configuration into its certificate (default "public"), and a callee's policy matches only that
 * value, so every generated Configuration states the same one explicitly.
 */
export const TRUST_DOMAIN = "public";

/** The Configuration a service's pods use in a cluster: `<shared config>-<app id>`, e.g. appconfig-progress-service. */
export function accessControlConfigName(svc: Pick<ServiceModel, "daprConfig" | "appId">): string {
  return `${svc.daprConfig}-${svc.appId}`;
}

/** The services whose `invokes` name this one, in manifest order. */
export function callersOf(p: Pick<PlatformModel, "services">, svc: ServiceModel): ServiceModel[] {
  return p.services.filter((s) => s.invokes.some((i) => i.appId === svc.appId));
}

/**
 * `spec.accessControl` of one callee: deny by default, allow each declared caller (every method and
 * verb: the manifest declares app ids, not methods). A service nobody invokes gets the same deny
 * default with no policy at all rather than the permissive shared config: the graph says no app may
 * call it, and a later `fastdapr add invoke` regenerates the policy, so nothing is ever open by
 * omission. The ACL covers service invocation only (pub/sub delivery never goes through it).
 */
export function accessControlSpec(p: PlatformModel, svc: ServiceModel, namespace: string): AccessControlSpec {
  return {
    defaultAction: "deny",
    trustDomain: TRUST_DOMAIN,
    policies: callersOf(p, svc).map((caller) => ({
      appId: caller.appId,
      defaultAction: "allow",
      // both are required per policy: a policy without them makes daprd reject the whole spec
      trustDomain: TRUST_DOMAIN,
      namespace,
    })),
  };
}

/** One Configuration per service for a cluster namespace, by file name (`configuration-<service>.yaml`). */
export function accessControlConfigurations(p: PlatformModel, namespace: string): Record<string, DaprConfiguration> {
  const files: Record<string, DaprConfiguration> = {};
  for (const svc of p.services) {
    const doc = daprConfiguration({ daprConfig: accessControlConfigName(svc) });
    doc.spec.accessControl = accessControlSpec(p, svc, namespace);
    files[`configuration-${svc.name}.yaml`] = doc;
  }
  return files;
}
