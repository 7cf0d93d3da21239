// Ports, waiting, running a command to its end, and the provisioned runtime description.
import { spawn } from "node:child_process";
import { createServer, Socket } from "node:net";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runDir } from "./proc.js";

const handedOut = new Set<number>();

/** a free TCP port on 127.0.0.1 (never hands out the same port twice in one run) */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const addr = srv.address();
        const p = typeof addr === "object" && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("freePort: could not find an unused port");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Poll `probe` until it returns a truthy value; throws after timeoutMs.
 * `abortIf` is checked each round (e.g. "the process already exited").
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  opts: { timeoutMs?: number; intervalMs?: number; abortIf?: () => string | undefined } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    const abort = opts.abortIf?.();
    if (abort) throw new Error(`${what}: ${abort}`);
    try {
      const v = await probe();
      if (v) return v as T;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${String(lastErr)})` : ""}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

/** resolves true when a TCP connection to 127.0.0.1:port succeeds */
export function tcpOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once("error", () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** fetch with a per-request timeout (default 10 s) */
export async function fetchT(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const { timeoutMs = 10_000, ...rest } = init;
  return fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(runDir(), `${prefix}-`));
}

/** what scripts/provision.sh wrote to $FASTDAPR_CACHE/runtime.json */
export interface Runtime {
  daprd: string;
  daprdVersion: string;
  daprdTags: string;
  /** Dapr Sentry of the same version as daprd (the mTLS certificate authority) */
  sentry: string;
  kafkaVersion: string;
  kafkaLibs: string;
  kafkaLog4j: string;
  java: string;
  redisServer: string;
  pgBin: string;
}

export function cacheRoot(): string {
  return process.env.FASTDAPR_CACHE || join(homedir(), ".cache", "fastdapr");
}

let runtime: Runtime | undefined;
/** the provisioned runtime; throws (a failure, not a skip) when provisioning has not run */
export function loadRuntime(): Runtime {
  if (runtime) return runtime;
  const file = join(cacheRoot(), "runtime.json");
  if (!existsSync(file)) {
    throw new Error(`${file} not found: run \`bash scripts/provision.sh\` (npm run provision) first`);
  }
  const r = JSON.parse(readFileSync(file, "utf8")) as Runtime;
  for (const k of ["daprd", "sentry", "java", "redisServer"] as const) {
    if (!existsSync(r[k])) throw new Error(`${k} missing at ${r[k]}: re-run scripts/provision.sh`);
  }
  for (const p of [join(r.pgBin, "postgres"), join(r.pgBin, "initdb"), join(r.kafkaLibs)]) {
    if (!existsSync(p)) throw new Error(`${p} missing: re-run scripts/provision.sh`);
  }
  runtime = r;
  return r;
}

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` to its end with `input` on stdin and its output captured; a non-zero exit is an answer, not an error. */
export function runCaptured(command: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}
