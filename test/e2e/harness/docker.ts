// The private Docker daemon (scripts/dockerd.sh) and compose v2 (scripts/provision-docker.sh) for the
// shipping tests: the CLI calls, containers and networks a test creates, and their removal.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, waitFor } from "./util.js";

const DOCKERD_SH = fileURLToPath(new URL("../../../scripts/dockerd.sh", import.meta.url));

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}\n${err.message}` : stderr });
      },
    );
  });
}

/** what scripts/provision-docker.sh wrote to $FASTDAPR_CACHE/docker/runtime.json */
export interface DockerRuntime {
  compose: string;
  composeVersion: string;
  /** the daprd version inside the daprd stand-in (the one provision.sh built) */
  daprdInImage: string;
}

export function loadDockerRuntime(): DockerRuntime {
  const file = join(cacheRoot(), "docker", "runtime.json");
  if (!existsSync(file)) throw new Error(`${file} not found: run \`bash scripts/provision-docker.sh\` first`);
  const rt = JSON.parse(readFileSync(file, "utf8")) as DockerRuntime;
  if (!existsSync(rt.compose)) throw new Error(`compose missing at ${rt.compose}: re-run scripts/provision-docker.sh`);
  return rt;
}

export interface Docker {
  /** unix:// address of the private daemon */
  host: string;
  /** `docker <args>`; throws with the command's output when it fails */
  docker(args: string[], opts?: { timeoutMs?: number; cwd?: string }): Promise<string>;
  /** `docker <args>`, whatever its exit code */
  tryDocker(args: string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** compose v2 in `dir` (the folder of the project's docker-compose.yml); throws when it fails */
  compose(dir: string, args: string[], opts?: { timeoutMs?: number }): Promise<string>;
  /** stops the daemon if this process started it (dockerd.sh stop) */
  stop(): Promise<void>;
}

/**
 * Starts the private daemon unless it already runs (e.g. a previous test file's, or a developer's);
 * stop() stops it only if this call started it.
 */
export async function startDocker(): Promise<Docker> {
  const rt = loadDockerRuntime();
  const started = await run("bash", [DOCKERD_SH, "start"], { timeoutMs: 120_000 });
  if (started.code !== 0) throw new Error(`scripts/dockerd.sh start failed:\n${started.stdout}${started.stderr}`);
  const [state, hostLine] = started.stdout.trim().split("\n");
  const host = (hostLine ?? "").replace(/^DOCKER_HOST=/, "");
  if (!host.startsWith("unix://")) throw new Error(`scripts/dockerd.sh start printed no DOCKER_HOST:\n${started.stdout}`);
  const env = { ...process.env, DOCKER_HOST: host, COMPOSE_PROGRESS: "plain", COMPOSE_ANSI: "never" };
  const tryDocker = (args: string[], opts: { timeoutMs?: number; cwd?: string } = {}) => run("docker", args, { env, ...opts });
  const orThrow = (what: string, r: CommandResult) => {
    if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout.slice(-4000)}${r.stderr.slice(-4000)}`);
    return r.stdout;
  };
  return {
    host,
    tryDocker,
    docker: async (args, opts) => orThrow(`docker ${args.join(" ")}`, await tryDocker(args, opts)),
    compose: async (dir, args, opts) =>
      orThrow(`docker compose ${args.join(" ")} (in ${dir})`, await run(rt.compose, args, { env, cwd: dir, timeoutMs: opts?.timeoutMs ?? 300_000 })),
    stop: async () => {
      if (state !== "started") return;
      const stopped = await run("bash", [DOCKERD_SH, "stop"], { timeoutMs: 120_000 });
      if (stopped.code !== 0) throw new Error(`scripts/dockerd.sh stop failed:\n${stopped.stdout}${stopped.stderr}`);
    },
  };
}

/** the options Kubernetes' restricted Pod Security profile and the generated Deployments impose */
export const AS_KUBERNETES_RUNS_IT = ["--read-only", "--tmpfs", "/tmp", "--user", "10001:10001", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];

export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  Health?: { Status: string; Log: { ExitCode: number; Output: string }[] };
}

export async function containerState(d: Docker, name: string): Promise<ContainerState> {
  return JSON.parse(await d.docker(["inspect", "--format", "{{json .State}}", name])) as ContainerState;
}

/** the container's address on `network` */
export async function containerIp(d: Docker, name: string, network: string): Promise<string> {
  const ip = (await d.docker(["inspect", "--format", `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name])).trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`${name} has no address on ${network}: "${ip}"`);
  return ip;
}

/** the host's address on a bridge network (its gateway): where containers reach a server the test runs */
export async function networkGateway(d: Docker, network: string): Promise<string> {
  const gw = (await d.docker(["network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network])).trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(gw)) throw new Error(`network ${network} has no IPv4 gateway: "${gw}"`);
  return gw;
}

export async function waitHealthy(d: Docker, name: string, timeoutMs: number): Promise<ContainerState> {
  return waitFor(
    `${name} healthy`,
    async () => {
      const s = await containerState(d, name);
      if (!s.Running) throw new Error(`${name} is ${s.Status} (exit ${s.ExitCode})`);
      return s.Health?.Status === "healthy" ? s : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

export async function containerLogs(d: Docker, name: string): Promise<string> {
  const r = await d.tryDocker(["logs", name]);
  return `${r.stdout}${r.stderr}`;
}
