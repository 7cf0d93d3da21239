// Support for the shipping tests (ship-images.test.ts, ship-compose.test.ts): the generated compose
// files read as data (image names, build folders, commands, environment: nothing is hard-coded that
// the generator decides), image builds, and the test's own containers and networks.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";
import { runCli } from "../../support/cli.js";
import type { Docker } from "../harness/docker.js";

export interface ComposeService {
  image: string;
  build?: { context: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
}

/** the docker-compose.yml that fastdapr wrote in `dir` */
export function readCompose(dir: string): ComposeFile {
  return parse(readFileSync(join(dir, "docker-compose.yml"), "utf8")) as ComposeFile;
}

/** the port an app container listens on: the container side of its first published port */
export function containerPort(service: ComposeService): number {
  const published = service.ports?.[0];
  const port = Number(published?.split(":").at(-1));
  if (!Number.isInteger(port)) throw new Error(`no published port in ${JSON.stringify(service)}`);
  return port;
}

/** `host:container[:mode]` volumes of a compose service, with the host side resolved against `dir` */
export function bindMounts(dir: string, service: ComposeService): string[] {
  return (service.volumes ?? []).map((v) => {
    const [host = "", ...rest] = v.split(":");
    return [isAbsolute(host) ? host : resolve(dir, host), ...rest].join(":");
  });
}

export interface ImageBuild {
  service: string;
  image: string;
  context: string;
}

/** every image the compose file in `dir` builds: its tag and its build folder */
export function composeBuilds(dir: string): ImageBuild[] {
  const compose = readCompose(dir);
  return Object.entries(compose.services)
    .filter(([, s]) => s.build)
    .map(([service, s]) => ({ service, image: s.image, context: resolve(dir, s.build!.context) }));
}

/**
 * `docker build` of the generated Dockerfile as it is, tagged as the compose file names the image.
 * The build steps use the host's network: the daemon has no NAT to the package index otherwise.
 */
export async function buildImage(d: Docker, b: ImageBuild): Promise<{ image: string; seconds: number }> {
  const t0 = Date.now();
  await d.docker(["build", "--network", "host", "--tag", b.image, b.context], { timeoutMs: 900_000 });
  return { image: b.image, seconds: Math.round((Date.now() - t0) / 100) / 10 };
}

/** run `fn` over `items`, at most `limit` at a time (the machine has two cores) */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `fastdapr new <name>` in a temp folder, with a topic each way (so it gets pub/sub components) */
export async function newService(name: string): Promise<{ dir: string; cleanup(): void }> {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-ship-new-"));
  const run = await runCli(["new", name, "--subscribe", "orders.created", "--publish", "orders.shipped", "--json"], cwd);
  if (run.code !== 0) throw new Error(`fastdapr new failed: ${run.stdout}${run.stderr}`);
  return { dir: join(cwd, name), cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
}

/** `-e NAME=value` for each variable */
export function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
}

/** removes every container and network labelled with this run's label (also after a failure) */
export async function removeLabelled(d: Docker, label: string): Promise<void> {
  const containers = (await d.docker(["ps", "--all", "--quiet", "--filter", `label=${label}`])).split("\n").filter(Boolean);
  if (containers.length > 0) await d.docker(["rm", "--force", "--volumes", ...containers]);
  const networks = (await d.docker(["network", "ls", "--quiet", "--filter", `label=${label}`])).split("\n").filter(Boolean);
  if (networks.length > 0) await d.docker(["network", "rm", ...networks]);
}
