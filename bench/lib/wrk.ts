// wrk against the sidecar's state API: the ceiling for anything that goes through Dapr.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface WrkResult {
  /** requests completed in the run */
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) throw new Error(`wrk: unreadable latency ${value}`);
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** parse `wrk --latency` output: Requests/sec, the 50% and 99% lines, and failures */
export function parseWrk(out: string): WrkResult {
  const requests = /(\d+) requests in/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  if (!requests || !rps || !p50 || !p99) throw new Error(`wrk: unexpected output:\n${out}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const socket = /Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = Number(non2xx?.[1] ?? 0) + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { requests: Number(requests[1]), rps: Number(rps[1]), p50Ms: Number(toMs(p50[1]!).toFixed(2)), p99Ms: Number(toMs(p99[1]!).toFixed(2)), errors };
}

export interface WrkRequest {
  url: string;
  method: "GET" | "POST";
  body?: string;
  concurrency: number;
  seconds: number;
}

/** one wrk run with one thread (the machine's other core serves daprd and Redis) */
export function runWrk(bin: string, scratch: string, req: WrkRequest): WrkResult {
  const args = ["-t1", `-c${req.concurrency}`, `-d${req.seconds}s`, "--latency", "--timeout", "5s"];
  if (req.method === "POST") {
    const script = join(scratch, "post.lua");
    writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(req.body ?? "")}\nwrk.headers["Content-Type"] = "application/json"\n`);
    args.push("-s", script);
  }
  const out = execFileSync(bin, [...args, req.url], { encoding: "utf8", timeout: (req.seconds + 30) * 1000 });
  return parseWrk(out);
}
