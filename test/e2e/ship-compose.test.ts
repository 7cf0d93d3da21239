// Issue #12, compose: the generated docker-compose.yml files, unmodified, with compose v2 (built by
// scripts/provision-docker.sh) against the private daemon and the stand-in images. LearnFlow comes up
// as a user brings it up, and the learner's journey runs through triage's published port; a
// `fastdapr new` service comes up with its Redis and Kafka, its sidecar waiting for both to be
// healthy (the images' own health checks), and is ready. `docker compose down -v` always follows.
//
// The only file the test adds is what a user adds: each agent service's .env (compose reads it
// through env_file), pointing the agents at the fake LLM, which listens on the host's address on the
// project's own network. Published ports must bind 127.0.0.1 only (asserted: the generator writes
// them so).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeLlm } from "./harness/fake-llm.js";
import { containerIp, startDocker, type Docker } from "./harness/docker.js";
import { fetchT, runCase, waitFor } from "./harness/index.js";
import { components, initLearnflow, SERVICES, type Learnflow } from "./support/learnflow.js";
import { AGENTS, agentEnv, agentReply, learnerJourney } from "./support/learnflow-journey.js";
import { buildImage, composeBuilds, containerPort, inBatches, newService, readCompose } from "./support/shipping.js";

let docker: Docker | undefined;
let lf: Learnflow | undefined;
let lone: Awaited<ReturnType<typeof newService>> | undefined;
const projectsUp = new Set<string>();

before(async () => {
  docker = await startDocker();
  [lf, lone] = await Promise.all([initLearnflow(), newService("orders-service")]);
});
after(async () => {
  if (docker) {
    for (const dir of projectsUp) {
      await docker.compose(dir, ["down", "--volumes", "--remove-orphans", "--timeout", "10"]).catch((e: unknown) => {
        process.stderr.write(`compose down in ${dir} failed: ${String(e)}\n`);
      });
    }
    await docker.stop();
  }
  lf?.cleanup();
  lone?.cleanup();
});

/** `docker compose up` in `dir`, remembered so that `down -v` follows whatever happens */
async function up(d: Docker, dir: string, args: string[]): Promise<void> {
  projectsUp.add(dir);
  await d.compose(dir, ["up", ...args], { timeoutMs: 300_000 });
}

/** the images the compose file builds, from its Dockerfiles (docker build; see buildImage) */
async function buildFor(d: Docker, dir: string): Promise<void> {
  await inBatches(composeBuilds(dir), 2, (b) => buildImage(d, b));
}

const status = async (url: string) => (await fetchT(url, { timeoutMs: 3_000 })).status;

interface PsEntry {
  Service: string;
  State: string;
  Health: string;
  Publishers: { URL: string; TargetPort: number; PublishedPort: number }[] | null;
}
/** `docker compose ps` (one JSON object a line), by service */
async function ps(d: Docker, dir: string): Promise<Record<string, PsEntry>> {
  const lines = (await d.compose(dir, ["ps", "--all", "--format", "json"])).trim().split("\n").filter(Boolean);
  return Object.fromEntries(lines.map((l) => JSON.parse(l) as PsEntry).map((p) => [p.Service, p]));
}

/** every published port of the project listens on loopback only */
function assertLoopbackOnly(services: Record<string, PsEntry>): void {
  const published = Object.values(services).flatMap((p) => (p.Publishers ?? []).filter((x) => x.PublishedPort > 0).map((x) => `${p.Service} ${x.URL}:${x.PublishedPort}`));
  assert.ok(published.length > 0, "the project publishes its app ports");
  assert.deepEqual(
    published.filter((x) => !x.includes(" 127.0.0.1:")),
    [],
    "published on loopback only",
  );
}

describe("Generated compose files with docker compose v2", () => {
  it("`docker compose config` accepts the `new` service's and the platform's compose files as generated", async () => {
    for (const dir of [lone!.dir, lf!.root]) {
      const resolved = JSON.parse(await docker!.compose(dir, ["config", "--format", "json"])) as {
        name: string;
        services: Record<string, { image: string }>;
      };
      const generated = readCompose(dir);
      assert.equal(resolved.name, generated.name);
      assert.deepEqual(
        Object.fromEntries(Object.entries(resolved.services).map(([k, v]) => [k, v.image])),
        Object.fromEntries(Object.entries(generated.services).map(([k, v]) => [k, v.image])),
      );
    }
  });

  it("`docker compose up` of the `new` service: Redis and Kafka healthy, the sidecar started after them, the service ready on 127.0.0.1", async () => {
    await runCase("compose up new service", 240_000, async () => {
      const d = docker!;
      const dir = lone!.dir;
      const compose = readCompose(dir);
      const [app] = composeBuilds(dir);
      await buildFor(d, dir);
      await up(d, dir, ["--detach", "--no-build"]);
      const base = `http://127.0.0.1:${containerPort(compose.services[app!.service]!)}`;
      await waitFor(`${app!.service} ready through its sidecar`, async () => (await status(`${base}/readyz`)) === 200, { timeoutMs: 180_000, intervalMs: 1_000 });
      const byService = await ps(d, dir);
      assertLoopbackOnly(byService);
      assert.equal(byService.redis?.Health, "healthy");
      assert.equal(byService.kafka?.Health, "healthy");
      assert.equal(byService[`${app!.service}-dapr`]?.State, "running");
    });
  });

  it("`docker compose up` of LearnFlow: six apps, six sidecars and Redis; a learner's journey through triage's published port", async () => {
    await runCase("compose up learnflow", 300_000, async (s) => {
      const d = docker!;
      const root = lf!.root;
      const compose = readCompose(root);
      await buildFor(d, root);
      // created first, so the project's network exists and the fake LLM can listen on it
      await up(d, root, ["--no-start", "--no-build"]);
      const network = `${compose.name}_default`;
      const gateway = (await d.docker(["network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network])).trim();
      const llm = await startFakeLlm(agentReply, gateway);
      s.defer(() => llm.stop());
      for (const agent of AGENTS) {
        const env = Object.entries(agentEnv(agent, llm.baseUrl)).map(([k, v]) => `${k}=${v}`);
        writeFileSync(join(lf!.dir(agent), ".env"), `${env.join("\n")}\n`);
      }
      await up(d, root, ["--detach", "--no-build"]);

      assertLoopbackOnly(await ps(d, root));
      const published = (svc: string) => `http://127.0.0.1:${containerPort(compose.services[svc]!)}`;
      for (const svc of SERVICES) {
        await waitFor(`${svc} ready through its sidecar`, async () => (await status(`${published(svc)}/readyz`)) === 200, { timeoutMs: 120_000, intervalMs: 500 });
      }
      const sidecar = (svc: string) => containerIp(d, `${compose.name}-${svc}-1`, network).then((ip) => `http://${ip}:3500`);
      for (const svc of SERVICES) {
        const url = await sidecar(svc);
        await waitFor(`${svc} sidecar healthy`, async () => (await status(`${url}/v1.0/healthz`)) === 204, { timeoutMs: 60_000 });
      }

      await learnerJourney({
        triage: published("triage-service"),
        progress: published("progress-service"),
        progressSidecar: await sidecar("progress-service"),
        modelRequests: llm.requests,
        stateStore: components(root).stateStore,
        systemPrompt: (agent) => lf!.systemPrompt(agent),
      });
    });
  });
});
