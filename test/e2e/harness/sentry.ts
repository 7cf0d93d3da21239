// Dapr Sentry (the mTLS certificate authority) self-hosted on 127.0.0.1, for sidecars started with
// `mtls` (see StartDaprdOptions). Sentry signs each sidecar's workload certificate with the SPIFFE ID
// spiffe://public/ns/<NAMESPACE>/<app id>, the identity a callee's access-control list matches.
//
// The trust bundle (root CA + issuer CA + issuer key) is made here with openssl rather than left to
// Sentry: a self-hosted Sentry 1.18.2 that generates its own bundle writes it into the directory it
// watches and then reloads itself every 2 s (its gRPC server restarting each time), which would
// make certificate requests race the restarts. Given an existing bundle it starts once and stays up.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { writeSignedCertificate } from "./tls.js";
import { spawnManaged, type ManagedProcess } from "./proc.js";
import { fetchT, freePort, loadRuntime, tempDir, waitFor } from "./util.js";

/** Sentry's own identity is spiffe://<trustDomain>/ns/<namespace>/dapr-sentry; daprd checks it when it asks for a certificate */
export const SENTRY_TRUST_DOMAIN = "localhost";
export const SENTRY_NAMESPACE = "default";

export interface Sentry {
  /** 127.0.0.1:<port>, for daprd --sentry-address */
  address: string;
  /** the root certificate (PEM), for daprd's DAPR_TRUST_ANCHORS */
  trustAnchors: string;
  trustDomain: string;
  namespace: string;
  proc: ManagedProcess;
  logs(): string;
  stop(): Promise<void>;
}

export interface StartSentryOptions {
  deadlineMs?: number;
  readyTimeoutMs?: number;
  /** default SENTRY_TRUST_DOMAIN; a Kubernetes control plane's is "cluster.local" */
  trustDomain?: string;
  /** default SENTRY_NAMESPACE; a Kubernetes control plane's is "dapr-system" */
  namespace?: string;
}

/** a root CA and an issuer CA it signed (EC P-256, valid one day), as Sentry's issuer-credentials folder expects them */
export function writeTrustBundle(dir: string): void {
  writeSignedCertificate(dir, {
    caCommonName: "root",
    name: "issuer",
    commonName: "issuer",
    extensions: "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n",
  });
}

/** `sentry` in standalone mode on 127.0.0.1, with the insecure validator (Sentry's default outside Kubernetes) */
export async function startSentry(opts: StartSentryOptions = {}): Promise<Sentry> {
  const rt = loadRuntime();
  const { trustDomain = SENTRY_TRUST_DOMAIN, namespace = SENTRY_NAMESPACE } = opts;
  const dir = tempDir("sentry");
  const creds = tempDir("sentry-creds");
  writeTrustBundle(creds);
  // standalone Sentry refuses to start without a readable configuration file; an empty spec keeps
  // the defaults (workload certificates for 24 h, the insecure validator)
  const config = join(dir, "config.yaml");
  writeFileSync(config, stringify({ apiVersion: "dapr.io/v1alpha1", kind: "Configuration", metadata: { name: "daprsystem" }, spec: {} }));
  const port = await freePort();
  // 1.18.2 ignores --healthz-listen-address: the healthz server binds every interface on this free port
  const healthzPort = await freePort();
  const proc = spawnManaged({
    name: `sentry-${port}`,
    command: rt.sentry,
    args: [
      "--mode",
      "standalone",
      "--config",
      config,
      "--issuer-credentials",
      creds,
      "--listen-address",
      "127.0.0.1",
      "--port",
      String(port),
      "--healthz-port",
      String(healthzPort),
      "--trust-domain",
      trustDomain,
      "--enable-metrics=false",
      "--log-level",
      "debug",
    ],
    env: { ...process.env, NAMESPACE: namespace },
    deadlineMs: opts.deadlineMs,
  });
  await waitFor("sentry /healthz", async () => (await fetchT(`http://127.0.0.1:${healthzPort}/healthz`, { timeoutMs: 2000 })).status === 200, {
    timeoutMs: opts.readyTimeoutMs ?? 30_000,
    abortIf: () => (proc.hasExited() ? `sentry exited early; log:\n${proc.logs().slice(-6000)}` : undefined),
  });
  return {
    address: `127.0.0.1:${port}`,
    trustAnchors: readFileSync(join(creds, "ca.crt"), "utf8"),
    trustDomain,
    namespace,
    proc,
    logs: () => proc.logs(),
    stop: () => proc.stop(5000),
  };
}
