// E2E harness entry point: real daprd, Redis, PostgreSQL, Kafka and app processes
// on 127.0.0.1. See docs/real-runtime.md.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { dumpLogs, liveProcesses, type ManagedProcess } from "./proc.js";
import { startDaprd, startApp, type StartDaprdOptions, type StartAppOptions, type Daprd, type AppProcess } from "./dapr.js";
import { startKafka, startPostgres, startRedis, type KafkaServer, type PostgresServer, type RedisServer } from "./servers.js";
import { startSentry, type Sentry, type StartSentryOptions } from "./sentry.js";
import { freePort } from "./util.js";

export * from "./proc.js";
export * from "./util.js";
export * from "./servers.js";
export * from "./dapr.js";
export * from "./sentry.js";
export * from "./tls.js";
export * from "./app-env.js";

// ------------------------------------------------------------------ in-process HTTP app
export interface HttpRequestRecord {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface HttpApp {
  port: number;
  url: string;
  /** every request received, in order */
  requests: HttpRequestRecord[];
  /** resolves with the first request (already received or future) that matches */
  waitForRequest(match: (r: HttpRequestRecord) => boolean, timeoutMs?: number): Promise<HttpRequestRecord>;
  stop(): Promise<void>;
}

export type HttpHandler = (req: HttpRequestRecord, res: ServerResponse) => void;

/**
 * a tiny Node HTTP app on 127.0.0.1:<free port> (or `host`: the gateway of a network the test created,
 * for containers); `routes` maps "METHOD /path" (or "/path") to a handler
 */
export async function startHttpApp(routes: Record<string, HttpHandler>, host = "127.0.0.1"): Promise<HttpApp> {
  const port = await freePort();
  const requests: HttpRequestRecord[] = [];
  const waiters: { match: (r: HttpRequestRecord) => boolean; resolve: (r: HttpRequestRecord) => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const rec: HttpRequestRecord = { method: req.method ?? "GET", path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(rec);
      for (const w of [...waiters]) {
        if (w.match(rec)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(rec);
        }
      }
      const h = routes[`${rec.method} ${path}`] ?? routes[path];
      if (h) return h(rec, res);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port,
    url: `http://${host}:${port}`,
    requests,
    waitForRequest(match, timeoutMs = 30_000) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no matching request within ${timeoutMs} ms; got: ${requests.map((r) => `${r.method} ${r.path}`).join(", ") || "none"}`)),
          timeoutMs,
        );
        waiters.push({ match, resolve: (r) => (clearTimeout(t), resolve(r)) });
      });
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

// ------------------------------------------------------------------ per-case scope
/**
 * Everything a test case starts through its Scope is stopped when the case ends
 * (in reverse order), and the logs of its processes are printed if it fails.
 */
export class Scope {
  private readonly stoppers: (() => Promise<void>)[] = [];
  readonly procs: ManagedProcess[] = [];
  /** default deadline of every process this scope starts (runCase: its own deadline + 10 s) */
  constructor(readonly deadlineMs?: number) {}
  private d<T extends { deadlineMs?: number }>(o: T | undefined): T {
    return { ...(o ?? ({} as T)), deadlineMs: o?.deadlineMs ?? this.deadlineMs };
  }

  private track<T extends { stop(): Promise<void>; proc?: ManagedProcess }>(x: T): T {
    this.stoppers.push(() => x.stop());
    if (x.proc) this.procs.push(x.proc);
    return x;
  }
  redis(opts?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
    return startRedis(this.d(opts)).then((x) => this.track(x));
  }
  postgres(opts?: Parameters<typeof startPostgres>[0]): Promise<PostgresServer> {
    return startPostgres(this.d(opts)).then((x) => this.track(x));
  }
  kafka(opts?: Parameters<typeof startKafka>[0]): Promise<KafkaServer> {
    return startKafka(this.d(opts)).then((x) => this.track(x));
  }
  sentry(opts?: StartSentryOptions): Promise<Sentry> {
    return startSentry(this.d(opts)).then((x) => this.track(x));
  }
  daprd(opts: StartDaprdOptions): Promise<Daprd> {
    return startDaprd(this.d(opts)).then((x) => this.track(x));
  }
  app(opts: StartAppOptions): Promise<AppProcess> {
    return startApp(this.d(opts)).then((x) => this.track(x));
  }
  httpApp(routes: Record<string, HttpHandler>): Promise<HttpApp> {
    return startHttpApp(routes).then((x) => this.track(x));
  }
  /** register any other cleanup */
  defer(fn: () => Promise<void> | void): void {
    this.stoppers.push(async () => fn());
  }
  async close(): Promise<void> {
    for (const s of this.stoppers.reverse()) {
      try {
        await s();
      } catch (e) {
        process.stderr.write(`[harness] cleanup error: ${String(e)}\n`);
      }
    }
    this.stoppers.length = 0;
  }
}

/**
 * Run one bounded case: `fn` gets a Scope; after `deadlineMs` the case fails.
 * On failure the logs of the case's processes are printed; in all cases everything is stopped.
 */
export async function runCase<T>(label: string, deadlineMs: number, fn: (s: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope(deadlineMs + 10_000);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: deadline of ${deadlineMs} ms exceeded`)), deadlineMs);
  });
  try {
    return await Promise.race([fn(scope), deadline]);
  } catch (e) {
    process.stderr.write(`\n[harness] ${label} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    // the case's processes, plus any whose start failed (cases run one at a time)
    dumpLogs(new Set([...scope.procs, ...liveProcesses()]));
    throw e;
  } finally {
    clearTimeout(timer);
    await scope.close();
  }
}
