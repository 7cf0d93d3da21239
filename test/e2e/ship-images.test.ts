// Issue #12, the images: every LearnFlow service and a `fastdapr new` service built from the
// generated Dockerfile as it is (on the stand-in base image scripts/provision-docker.sh makes), then
// run as Kubernetes runs them (read-only root, writable /tmp, numeric non-root user, no
// capabilities, no new privileges): liveness, readiness without and with the sidecar, the image's
// own HEALTHCHECK, a graceful stop, and the LearnFlow journey across containers, each app beside a
// daprd container (the stand-in of the image the compose file names) in its network namespace, as
// the generated compose file and a Kubernetes Pod place them, with Redis and the fake LLM.
//
// Everything runs on one network this test creates (internal: no route out of it); the fake LLM
// listens on the host's address on that network only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startFakeLlm } from "./harness/fake-llm.js";
import { AS_KUBERNETES_RUNS_IT, containerIp, containerLogs, containerState, networkGateway, startDocker, waitHealthy, type Docker } from "./harness/docker.js";
import { fetchT, runCase, waitFor, type Scope } from "./harness/index.js";
import { initLearnflow, components, SERVICES, type Learnflow, type ServiceName } from "./support/learnflow.js";
import { agentEnv, agentReply, learnerJourney } from "./support/learnflow-journey.js";
import { bindMounts, buildImage, composeBuilds, containerPort, envArgs, inBatches, newService, readCompose, removeLabelled } from "./support/shipping.js";

const RUN = `fastdapr-ship-images-${process.pid}`;
const LABEL = `dev.fastdapr.test=${RUN}`;

let docker: Docker | undefined;
let lf: Learnflow | undefined;
let lone: Awaited<ReturnType<typeof newService>> | undefined;
before(async () => {
  docker = await startDocker();
  [lf, lone] = await Promise.all([initLearnflow(), newService("orders-service")]);
});
after(async () => {
  if (docker) {
    await removeLabelled(docker, LABEL);
    await docker.stop();
  }
  lf?.cleanup();
  lone?.cleanup();
});

/** a bridge network of this test's own, without a route out of it */
async function testNetwork(d: Docker, name: string): Promise<string> {
  await d.docker(["network", "create", "--internal", "--label", LABEL, `${RUN}-${name}`]);
  return `${RUN}-${name}`;
}

/** an app container as the Deployment runs it; its sidecar joins it later */
async function runApp(d: Docker, name: string, network: string, image: string, env: Record<string, string>): Promise<string> {
  await d.docker(["run", "--detach", "--name", name, "--label", LABEL, "--network", network, "--network-alias", name, ...AS_KUBERNETES_RUNS_IT, ...envArgs(env), image]);
  return containerIp(d, name, network);
}

const status = async (url: string) => (await fetchT(url, { timeoutMs: 3_000 })).status;

let built: Promise<void> | undefined;
/** every image, once: the first test that needs them builds them */
function buildAll(): Promise<void> {
  built ??= (async () => {
    const builds = [...composeBuilds(lone!.dir), ...composeBuilds(lf!.root)];
    const times = await inBatches(builds, 2, (b) => buildImage(docker!, b));
    process.stdout.write(`# image builds: ${times.map((t) => `${t.image} ${t.seconds}s`).join(", ")}\n`);
  })();
  return built;
}

describe("Generated images, built unmodified and run as Kubernetes runs them", () => {
  it("builds every LearnFlow service image and a `fastdapr new` service image from the generated Dockerfiles", async () => {
    await buildAll();
    for (const b of [...composeBuilds(lone!.dir), ...composeBuilds(lf!.root)]) {
      const config = JSON.parse(await docker!.docker(["image", "inspect", "--format", "{{json .Config}}", b.image])) as {
        User: string;
        Cmd: string[];
        Env: string[];
        Healthcheck?: { Test: string[] };
        ExposedPorts: Record<string, unknown>;
      };
      const port = containerPort(readCompose(b.context === lone!.dir ? lone!.dir : lf!.root).services[b.service]!);
      assert.equal(config.User, "10001:10001", `${b.image} runs as the numeric non-root user`);
      assert.deepEqual(Object.keys(config.ExposedPorts), [`${port}/tcp`], `${b.image} exposes the port compose publishes`);
      // exec form: the app's own launcher (uvicorn inside) is PID 1 and receives SIGTERM
      assert.deepEqual(config.Cmd, ["python", "-m", "app"], `${b.image} runs python -m app as PID 1`);
      assert.ok(config.Env.includes(`PORT=${port}`), `${b.image} listens on the published port by default: ${config.Env.join(" ")}`);
      assert.match(config.Healthcheck?.Test.join(" ") ?? "", /\/livez/, `${b.image} has a HEALTHCHECK on /livez`);
    }
  });

  it("the `new` service's image, hardened, without a sidecar: /livez 200, /readyz 503, HEALTHCHECK healthy, SIGTERM stops it cleanly", async () => {
    await buildAll();
    await runCase("new service image hardened", 150_000, async () => {
      const d = docker!;
      const [build] = composeBuilds(lone!.dir);
      const service = readCompose(lone!.dir).services[build!.service]!;
      const port = containerPort(service);
      const network = await testNetwork(d, "lone");
      const name = `${RUN}-orders`;
      const ip = await runApp(d, name, network, build!.image, service.environment ?? {});
      const base = `http://${ip}:${port}`;
      await waitFor(`${name} /livez`, async () => (await status(`${base}/livez`)) === 200, { timeoutMs: 60_000 });
      assert.equal(await status(`${base}/readyz`), 503, "not ready without its sidecar");
      // the image's own HEALTHCHECK (interval 30 s): reaches healthy with the probe it ships
      const health = await waitHealthy(d, name, 90_000);
      assert.equal(health.Health!.Log.at(-1)!.ExitCode, 0);
      // nothing could be written outside /tmp
      const write = await d.tryDocker(["exec", name, "python", "-c", "open('/srv/app/x', 'w')"]);
      assert.notEqual(write.code, 0, "the root file system is read-only");
      assert.match(write.stderr, /Read-only file system|Permission denied/);
      // docker stop: SIGTERM to uvicorn (PID 1), the lifespan shutdown runs, exit 0 (a SIGKILL after
      // the grace period would leave 137)
      await d.docker(["stop", "--time", "30", name], { timeoutMs: 60_000 });
      const stopped = await containerState(d, name);
      assert.equal(stopped.ExitCode, 0, await containerLogs(d, name));
      assert.match(await containerLogs(d, name), /Application shutdown complete/);
    });
  });

  it("LearnFlow across containers: each app beside its daprd container, Redis, the fake LLM; /readyz follows the sidecar; a learner's journey through triage reaches concepts, the agents and progress", async () => {
    await buildAll();
    await runCase("learnflow across containers", 240_000, async (s: Scope) => {
      const d = docker!;
      const root = lf!.root;
      const compose = readCompose(root);
      const network = await testNetwork(d, "learnflow");
      const llm = await startFakeLlm(agentReply, await networkGateway(d, network));
      s.defer(() => llm.stop());

      // Redis as the compose file runs it, reachable by its compose service name
      const redis = compose.services.redis!;
      await d.docker(["run", "--detach", "--name", `${RUN}-redis`, "--label", LABEL, "--network", network, "--network-alias", "redis", redis.image, ...(redis.command ?? [])]);

      // the apps first, as the compose file orders them: not ready while their sidecar is missing
      const base = {} as Record<ServiceName, string>;
      const ips = {} as Record<ServiceName, string>;
      await Promise.all(
        SERVICES.map(async (svc) => {
          const app = compose.services[svc]!;
          ips[svc] = await runApp(d, `${RUN}-${svc}`, network, app.image, { ...app.environment, ...agentEnv(svc, llm.baseUrl) });
          base[svc] = `http://${ips[svc]}:${containerPort(app)}`;
        }),
      );
      for (const svc of SERVICES) {
        await waitFor(`${svc} /livez`, async () => (await status(`${base[svc]}/livez`)) === 200, { timeoutMs: 60_000 });
        assert.equal(await status(`${base[svc]}/readyz`), 503, `${svc} is not ready without its sidecar`);
      }

      // each sidecar in its app's network namespace, hardened as the injector's sidecar is
      for (const svc of SERVICES) {
        const sidecar = compose.services[`${svc}-dapr`]!;
        assert.equal(sidecar.network_mode, `service:${svc}`);
        await d.docker([
          "run",
          "--detach",
          "--name",
          `${RUN}-${svc}-dapr`,
          "--label",
          LABEL,
          "--network",
          `container:${RUN}-${svc}`,
          "--read-only",
          "--cap-drop",
          "ALL",
          "--security-opt",
          "no-new-privileges",
          ...bindMounts(root, sidecar).flatMap((v) => ["--volume", v]),
          sidecar.image,
          ...(sidecar.command ?? []),
        ]);
      }
      for (const svc of SERVICES) {
        await waitFor(`${svc} /readyz with its sidecar`, async () => (await status(`${base[svc]}/readyz`)) === 200, { timeoutMs: 60_000 });
        // healthy with the app channel up: every subscription is registered before the first query
        await waitFor(`${svc} sidecar healthy`, async () => (await status(`http://${ips[svc]}:3500/v1.0/healthz`)) === 204, { timeoutMs: 60_000 });
      }

      await learnerJourney({
        triage: base["triage-service"],
        progress: base["progress-service"],
        progressSidecar: `http://${ips["progress-service"]}:3500`,
        modelRequests: llm.requests,
        stateStore: components(root).stateStore,
        systemPrompt: (agent) => lf!.systemPrompt(agent),
      });

      // every sidecar runs with the generated Configuration's metric settings (daprd logs the spec it
      // uses, and warns when per-path HTTP metrics, one Prometheus series per learner id, are left at
      // its default)
      for (const svc of SERVICES) {
        const logs = await containerLogs(d, `${RUN}-${svc}-dapr`);
        assert.ok(logs.includes(String.raw`metric spec: {\"enabled\":true,\"http\":{\"increasedCardinality\":false}}`), `${svc}'s sidecar metric spec:\n${logs.slice(0, 2000)}`);
        assert.doesNotMatch(logs, /increasedCardinality' will change/, `${svc}'s sidecar does not fall back to per-path HTTP metrics`);
      }
    });
  });
});
