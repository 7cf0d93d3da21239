// daprd (self-hosted, no placement/scheduler, metrics off) and the Python app process.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { spawnManaged, type ManagedProcess } from "./proc.js";
import type { Sentry } from "./sentry.js";
import { fetchT, freePort, loadRuntime, tcpOpen, tempDir, waitFor } from "./util.js";

export interface DaprPorts {
  httpPort: number;
  grpcPort: number;
  internalGrpcPort: number;
}

/** three free ports for one sidecar; pass them to startDaprd({ports}) when another sidecar's config must know them first */
export async function reserveDaprPorts(): Promise<DaprPorts> {
  return { httpPort: await freePort(), grpcPort: await freePort(), internalGrpcPort: await freePort() };
}

export interface StartDaprdOptions {
  appId: string;
  appPort?: number;
  resourcesPath: string;
  /**
   * Configuration file. Whatever is passed, daprd never falls back to mDNS (it would
   * multicast on every interface): without a config the harness writes one with the
   * loopback name resolution below, and a config without `spec.nameResolution` gets it added.
   */
  configPath?: string;
  /** other sidecars this one may invoke: app id → internal gRPC port (itself is always included) */
  peers?: Record<string, number>;
  env?: Record<string, string>;
  /**
   * Join a Sentry (startSentry) for mTLS: the sidecar gets the workload certificate
   * spiffe://public/ns/<namespace>/<appId>, which is what a callee's access-control policy matches.
   */
  mtls?: { sentry: Pick<Sentry, "address" | "trustAnchors" | "trustDomain" | "namespace">; namespace: string };
  ports?: DaprPorts;
  logLevel?: "debug" | "info" | "warn" | "error";
  extraArgs?: string[];
  /** process deadline (default 10 min) */
  deadlineMs?: number;
  /** how long to wait for /v1.0/healthz/outbound (default 30 s) */
  readyTimeoutMs?: number;
}

export interface Daprd extends DaprPorts {
  appId: string;
  /** http://127.0.0.1:<httpPort> */
  url: string;
  proc: ManagedProcess;
  logs(): string;
  stop(): Promise<void>;
}

export async function startDaprd(opts: StartDaprdOptions): Promise<Daprd> {
  const rt = loadRuntime();
  const ports = opts.ports ?? (await reserveDaprPorts());
  const configPath = effectiveConfig(opts.configPath, { ...opts.peers, [opts.appId]: ports.internalGrpcPort });
  const args = [
    "--app-id",
    opts.appId,
    "--mode",
    "standalone",
    "--dapr-http-port",
    String(ports.httpPort),
    "--dapr-grpc-port",
    String(ports.grpcPort),
    "--dapr-internal-grpc-port",
    String(ports.internalGrpcPort),
    "--dapr-listen-addresses",
    "127.0.0.1",
    "--dapr-internal-grpc-listen-address",
    "127.0.0.1",
    "--app-channel-address",
    "127.0.0.1",
    "--resources-path",
    opts.resourcesPath,
    "--enable-metrics=false",
    "--log-level",
    opts.logLevel ?? "info",
    "--dapr-graceful-shutdown-seconds",
    "1",
    "--config",
    configPath,
  ];
  if (opts.appPort !== undefined) args.push("--app-port", String(opts.appPort), "--app-protocol", "http");
  const mtlsEnv: Record<string, string> = {};
  if (opts.mtls) {
    const { sentry, namespace } = opts.mtls;
    args.push(
      "--enable-mtls",
      "--sentry-address",
      sentry.address,
      // the identity daprd expects Sentry to present
      "--control-plane-trust-domain",
      sentry.trustDomain,
      "--control-plane-namespace",
      sentry.namespace,
    );
    // NAMESPACE is the namespace daprd asks Sentry to certify (in a pod the injector sets it)
    Object.assign(mtlsEnv, { DAPR_TRUST_ANCHORS: sentry.trustAnchors, NAMESPACE: namespace });
  }
  args.push(...(opts.extraArgs ?? []));
  const proc = spawnManaged({
    name: `daprd-${opts.appId}-${ports.httpPort}`,
    command: rt.daprd,
    args,
    // DAPR_HOST_IP: the address a sidecar advertises to name resolution
    env: { ...process.env, DAPR_HOST_IP: "127.0.0.1", ...mtlsEnv, ...opts.env },
    deadlineMs: opts.deadlineMs,
  });
  const url = `http://127.0.0.1:${ports.httpPort}`;
  await waitFor(`daprd ${opts.appId} /v1.0/healthz/outbound`, async () => (await fetchT(`${url}/v1.0/healthz/outbound`, { timeoutMs: 2000 })).status === 204, {
    timeoutMs: opts.readyTimeoutMs ?? 30_000,
    abortIf: () => (proc.hasExited() ? `daprd exited early; log:\n${proc.logs().slice(-6000)}` : undefined),
  });
  return { appId: opts.appId, ...ports, url, proc, logs: () => proc.logs(), stop: () => proc.stop(5000) };
}

/**
 * A Dapr Configuration whose name resolution maps app ids to sidecars on this
 * machine: the stable `kubernetes` resolver with a `template` (pure string
 * formatting, no cluster needed) that returns 127.0.0.1:<internal gRPC port>
 * of the target sidecar. Only loopback traffic, no multicast (see docs/real-runtime.md).
 */
export function loopbackNameResolutionConfig(sidecars: Record<string, number>, extraSpec = ""): string {
  const ids = Object.entries(sidecars);
  for (const [id] of ids) {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`app id not usable in a template: ${id}`);
  }
  const branches = ids.map(([id, port], i) => `${i === 0 ? "{{if" : "{{else if"} eq .ID \"${id}\"}}${port}`).join("");
  const template = `127.0.0.1:${branches}{{else}}0{{end}}`;
  return [
    "apiVersion: dapr.io/v1alpha1",
    "kind: Configuration",
    "metadata:",
    "  name: fastdapr-e2e",
    "spec:",
    "  nameResolution:",
    "    component: kubernetes",
    "    configuration:",
    `      template: '${template}'`,
    extraSpec,
    "",
  ].join("\n");
}

/** the config daprd gets: `configPath` if it sets nameResolution, else a copy/new file with the loopback resolver */
function effectiveConfig(configPath: string | undefined, table: Record<string, number>): string {
  const loopback = loopbackNameResolutionConfig(table);
  let text = loopback;
  if (configPath) {
    const doc = (parse(readFileSync(configPath, "utf8")) ?? {}) as { spec?: { nameResolution?: unknown } };
    const nr = doc.spec?.nameResolution as { component?: string } | undefined;
    if (nr?.component === "mdns") throw new Error(`${configPath}: mdns name resolution would multicast on every interface; use loopbackNameResolutionConfig()`);
    if (nr) return configPath;
    doc.spec = { ...doc.spec, nameResolution: (parse(loopback) as { spec: { nameResolution: unknown } }).spec.nameResolution };
    text = stringify(doc);
  }
  const dir = tempDir("config");
  writeFileSync(join(dir, "config.yaml"), text);
  return join(dir, "config.yaml");
}

/** write `files` (name → YAML text) into a fresh temp dir and return its path */
export function writeResources(prefix: string, files: Record<string, string>): string {
  const dir = tempDir(prefix);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

// ------------------------------------------------------------------ app
export interface StartAppOptions {
  cwd: string;
  /** python executable (e.g. a venv's bin/python) */
  python: string;
  port?: number;
  env?: Record<string, string>;
  deadlineMs?: number;
  readyTimeoutMs?: number;
}

export interface AppProcess {
  port: number;
  url: string;
  proc: ManagedProcess;
  logs(): string;
  stop(): Promise<void>;
}

/** The request log of a generated app, "METHOD /path STATUS" per request (its logs are JSON lines; other output is skipped) */
export function accessLog(app: AppProcess): string[] {
  return app
    .logs()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { logger?: string; message?: string })
    .filter((l) => l.logger === "app.access")
    .map((l) => String(l.message));
}

/** `python -m app` (the image's command) with HOST=127.0.0.1 and PORT=P, ready once the port accepts connections */
export async function startApp(opts: StartAppOptions): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const proc = spawnManaged({
    name: `app-${port}`,
    command: opts.python,
    args: ["-m", "app"],
    cwd: opts.cwd,
    env: { ...process.env, PYTHONUNBUFFERED: "1", ...opts.env, HOST: "127.0.0.1", PORT: String(port) },
    deadlineMs: opts.deadlineMs,
  });
  await waitFor(`app on ${port}`, () => tcpOpen(port), {
    timeoutMs: opts.readyTimeoutMs ?? 30_000,
    abortIf: () => (proc.hasExited() ? `app exited early; log:\n${proc.logs().slice(-4000)}` : undefined),
  });
  return { port, url: `http://127.0.0.1:${port}`, proc, logs: () => proc.logs(), stop: () => proc.stop(5000) };
}
