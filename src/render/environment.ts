// The service's environment contract, shared by the ConfigMap, compose and the docs: which settings
// are plain configuration and which come from secrets. Names match app/core/config.py.
import type { ServiceModel } from "../model/service.js";
import { webConcurrency } from "../model/tiers.js";

export const API_TOKEN_SECRET = "dapr-api-token";
export const APP_TOKEN_SECRET = "dapr-app-token";

export type Target = "kubernetes" | "compose";

/** The Secret holding a public service's bearer tokens (key `tokens`, comma-separated). */
export function publicApiSecret(svc: Pick<ServiceModel, "name">): string {
  return `${svc.name}-public-api`;
}

/**
 * The settings a service's environment carries. Kubernetes (the ConfigMap) gets them all, to be
 * patched per overlay. Compose pins only the wiring that must agree with the sidecar and the
 * components beside it (where the app listens, the Dapr port, the component names): compose's
 * `environment:` wins over the service's `.env`, so anything pinned there would silently ignore the
 * user's `.env`; the tunables (log level, model) are the app's own defaults, which `.env` overrides.
 */
export function serviceConfig(svc: ServiceModel, target: Target): Record<string, string> {
  const wiring: Record<string, string> = {
    // the image's defaults too; written out so the port the app listens on sits beside the
    // containerPort, the Dapr app port and the probes that must name the same one
    ...(target === "compose" ? { HOST: "0.0.0.0", DAPR_HTTP_PORT: "3500" } : {}),
    PORT: String(svc.port),
    PUBSUB_NAME: svc.pubsubName,
    STATE_STORE: svc.stateStore,
  };
  if (svc.agent?.backend === "dapr-conversation") wiring.CONVERSATION_COMPONENT = svc.agent.conversationComponent;
  if (target === "compose") return wiring;
  // the server's worker processes follow the tier's CPU request (app/__main__.py reads it)
  const tunables: Record<string, string> = { LOG_LEVEL: "INFO", WEB_CONCURRENCY: String(webConcurrency(svc.resources)) };
  if (svc.agent?.backend === "openai") tunables.OPENAI_MODEL = svc.agent.model;
  return { ...tunables, ...wiring };
}

export interface SecretRef {
  env: string;
  secret: string;
  key: string;
  optional: boolean;
}

export function serviceSecrets(svc: ServiceModel): SecretRef[] {
  const secrets: SecretRef[] = [
    // The same Secrets the pod annotations hand to daprd (dapr.io/api-token-secret and
    // dapr.io/app-token-secret; Dapr's convention is the key `token`): both sides must agree, or the
    // app would refuse Dapr's deliveries (or Dapr the app's calls), so neither is optional.
    { env: "DAPR_API_TOKEN", secret: API_TOKEN_SECRET, key: "token", optional: false },
    { env: "APP_API_TOKEN", secret: APP_TOKEN_SECRET, key: "token", optional: false },
  ];
  if (svc.public) {
    // optional: without the Secret the API accepts only calls through Dapr (the app token)
    secrets.push({ env: "PUBLIC_API_TOKENS", secret: publicApiSecret(svc), key: "tokens", optional: true });
  }
  if (svc.agent && svc.agent.backend === "openai") {
    secrets.push({ env: "OPENAI_API_KEY", secret: `${svc.name}-llm`, key: "api-key", optional: false });
  }
  return secrets;
}
