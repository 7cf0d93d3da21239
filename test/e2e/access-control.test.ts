// The generated access-control lists on the real daprd.
//
// With mTLS (a self-hosted Dapr Sentry of the same version issues each sidecar's SPIFFE ID), using the
// Configurations fastdapr renders for a small platform (stock-service invoked by orders-service only),
// every sidecar running with its own rendered Configuration and the overlay's namespace:
//   - the declared caller reaches the app (200);
//   - an undeclared caller in the same namespace gets 403 PermissionDenied naming its SPIFFE ID;
//   - the declared app id from another namespace (the dev overlay's) is denied too: the policy's
//     namespace is part of the match;
//   - the app never sees a denied call.
//
// Without mTLS (no Sentry), on LearnFlow's rendered configurations: the evidence behind
// docs/security.md's choice to keep the local configuration permissive.
//   - the cluster Configuration generated for progress-service (deny by default, allow
//     triage-service) is accepted by daprd (an invalid ACL spec stops it at startup);
//   - without mTLS the callee cannot tell callers apart, so it refuses the DECLARED caller as well
//     as an undeclared one (403), and the app never sees either call;
//   - the generated local Configuration (dapr/config.yaml) lets invocations through.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { runCli } from "../support/cli.js";
import { fetchT, json, loadRuntime, reserveDaprPorts, runCase, stopAll, tempDir, waitFor, writeResources, type Scope } from "./harness/index.js";
import type { Tree } from "../../src/tree/tree.js";
import { renderedPlatform } from "../support/platforms.js";

after(async () => {
  await stopAll();
});

const CASE_MS = 120_000;
const CALLEE = "progress-service";
const DECLARED = "triage-service"; // LearnFlow: triage-service invokes progress-service
const UNDECLARED = "concepts-service"; // invokes nothing

const cwd = mkdtempSync(join(tmpdir(), "fastdapr-acl-"));
const platform = join(cwd, "learnflow");

/** The callee with `configPath` and both callers (default config), all on loopback name resolution. */
async function sidecars(s: Scope, configPath: string) {
  const calls: string[] = [];
  const app = await s.httpApp({
    "GET /level": (req, res) => {
      calls.push(String(req.headers["dapr-caller-app-id"]));
      json(res, 200, { level: "beginner" });
    },
  });
  const calleePorts = await reserveDaprPorts();
  const resources = writeResources("res", {});
  const callee = await s.daprd({ appId: CALLEE, appPort: app.port, resourcesPath: resources, configPath, ports: calleePorts });
  await waitFor("callee app channel ready", async () => (await fetchT(`${callee.url}/v1.0/healthz`)).status === 204);
  const peers = { [CALLEE]: calleePorts.internalGrpcPort };
  const declared = await s.daprd({ appId: DECLARED, resourcesPath: resources, peers });
  const undeclared = await s.daprd({ appId: UNDECLARED, resourcesPath: resources, peers });
  return { calls, callee, declared, undeclared };
}

describe("generated access control on real daprd without mTLS", () => {
  it("init --preset learnflow writes the configurations", async () => {
    const run = await runCli(["init", "learnflow", "--preset", "learnflow", "--json"], cwd);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  it("the cluster ACL loads, and without caller identities it refuses the declared caller too", async () => {
    await runCase("acl without mTLS", CASE_MS, async (s) => {
      const config = join(platform, "deploy/overlays/prod/dapr/configuration-progress-service.yaml");
      const { calls, callee, declared, undeclared } = await sidecars(s, config);
      for (const caller of [declared, undeclared]) {
        const r = await fetchT(`${caller.url}/v1.0/invoke/${CALLEE}/method/level`);
        const body = await r.text();
        assert.equal(r.status, 403, `${caller.appId}: ${body}`);
        // denied on the callee's sidecar, passed back by the caller's: no caller id without mTLS
        assert.equal((JSON.parse(body) as { errorCode: string }).errorCode, "ERR_DIRECT_INVOKE");
        assert.match(body, /PermissionDenied desc = access control policy has denied access to id:  operation: level verb: GET/);
      }
      assert.deepEqual(calls, [], "the app never saw a denied call");
      assert.equal(callee.proc.hasExited(), false, "the callee sidecar accepted the generated ACL and kept running");
    });
  });

  it("the local configuration (dapr/config.yaml) lets both through: it is permissive on purpose", async () => {
    await runCase("local config", CASE_MS, async (s) => {
      const { calls, declared, undeclared } = await sidecars(s, join(platform, "dapr/config.yaml"));
      for (const caller of [declared, undeclared]) {
        const r = await fetchT(`${caller.url}/v1.0/invoke/${CALLEE}/method/level`);
        assert.equal(r.status, 200, await r.clone().text());
        assert.deepEqual(await r.json(), { level: "beginner" });
      }
      assert.deepEqual(calls, [DECLARED, UNDECLARED]);
    });
  });
});

// ------------------------------------------------------------------ with mTLS (Sentry)
const SHOP = `apiVersion: fastdapr/v1
name: shop
services:
  orders-service:
    port: 8001
    invokes: [stock-service]
  stock-service:
    port: 8002
  audit-service:
    port: 8003
`;

interface AccessControl {
  defaultAction: string;
  trustDomain: string;
  policies: { appId: string; defaultAction: string; trustDomain: string; namespace: string }[];
}

/** the overlay's namespace and its rendered per-service Configurations, written to files daprd can load */
function renderedOverlay(tree: Tree, env: "dev" | "prod") {
  const root = `deploy/overlays/${env}`;
  const namespace = (parseYaml(tree.get(`${root}/kustomization.yaml`)!.content) as { namespace: string }).namespace;
  const dir = tempDir(`shop-${env}`);
  const config = (service: string) => {
    const text = tree.get(`${root}/dapr/configuration-${service}.yaml`)!.content;
    const file = join(dir, `configuration-${service}.yaml`);
    writeFileSync(file, text);
    return { file, accessControl: (parseYaml(text) as { spec: { accessControl: AccessControl } }).spec.accessControl };
  };
  return { namespace, config };
}

describe("generated access control on real daprd with mTLS (self-hosted Sentry)", () => {
  it("the declared caller is allowed; an undeclared caller, and the declared app id from another namespace, get 403", async () => {
    await runCase("acl with mTLS", CASE_MS, async (s) => {
      const tree = renderedPlatform(SHOP);
      const prod = renderedOverlay(tree, "prod");
      const dev = renderedOverlay(tree, "dev");
      assert.notEqual(prod.namespace, dev.namespace);

      // what is under test: the callee's rendered ACL allows orders-service in the prod overlay's namespace only
      const stockConfig = prod.config("stock-service");
      assert.deepEqual(stockConfig.accessControl, {
        defaultAction: "deny",
        trustDomain: "public",
        policies: [{ appId: "orders-service", defaultAction: "allow", trustDomain: "public", namespace: prod.namespace }],
      });

      const sentry = await s.sentry();
      // the certificate authority is built from the same dapr module version as daprd (scripts/provision.sh)
      assert.match(sentry.logs(), new RegExp(`Starting Dapr Sentry certificate authority -- version ${loadRuntime().daprdVersion.replace(/\./g, "\\.")} `));
      const calls: string[] = [];
      const app = await s.httpApp({
        "GET /stock/42": (req, res) => {
          calls.push(String(req.headers["dapr-caller-app-id"]));
          json(res, 200, { sku: "42", available: 3 });
        },
      });
      const calleePorts = await reserveDaprPorts();
      const peers = { "stock-service": calleePorts.internalGrpcPort };
      const resources = writeResources("shop-res", {});
      const inNs = (namespace: string) => ({ sentry, namespace });
      const callee = await s.daprd({
        appId: "stock-service",
        appPort: app.port,
        resourcesPath: resources,
        configPath: stockConfig.file,
        ports: calleePorts,
        mtls: inNs(prod.namespace),
      });
      await waitFor("callee app channel ready", async () => (await fetchT(`${callee.url}/v1.0/healthz`)).status === 204);
      // each caller runs with its own rendered Configuration (its ACL guards calls TO it, not from it)
      const declared = await s.daprd({
        appId: "orders-service",
        resourcesPath: resources,
        configPath: prod.config("orders-service").file,
        peers,
        mtls: inNs(prod.namespace),
      });
      const undeclared = await s.daprd({
        appId: "audit-service",
        resourcesPath: resources,
        configPath: prod.config("audit-service").file,
        peers,
        mtls: inNs(prod.namespace),
      });
      const otherNs = await s.daprd({
        appId: "orders-service",
        resourcesPath: resources,
        configPath: dev.config("orders-service").file,
        peers,
        mtls: inNs(dev.namespace),
      });
      // the sidecars got their identities from this Sentry
      assert.match(sentry.logs(), new RegExp(`Successfully signed certificate for ${prod.namespace}/stock-service`));
      assert.match(sentry.logs(), new RegExp(`Successfully signed certificate for ${dev.namespace}/orders-service`));

      const invoke = (caller: { url: string }) => fetchT(`${caller.url}/v1.0/invoke/stock-service.${prod.namespace}/method/stock/42`);

      const ok = await invoke(declared);
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.deepEqual(await ok.json(), { sku: "42", available: 3 });
      assert.deepEqual(calls, ["orders-service"]);

      for (const [caller, ns] of [
        [undeclared, prod.namespace],
        [otherNs, dev.namespace],
      ] as const) {
        const r = await invoke(caller);
        const body = await r.text();
        assert.equal(r.status, 403, `${caller.appId} in ${ns}: ${body}`);
        assert.equal((JSON.parse(body) as { errorCode: string }).errorCode, "ERR_DIRECT_INVOKE");
        // the callee's sidecar names the caller's certified identity: the check used it and said no
        assert.match(
          body,
          new RegExp(`PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/${ns}/${caller.appId} operation: stock/42 verb: GET`),
        );
      }
      assert.deepEqual(calls, ["orders-service"], "the app never saw a denied call");

      // and the allowed caller still gets through afterwards (the denials changed nothing)
      assert.equal((await invoke(declared)).status, 200);
      assert.deepEqual(calls, ["orders-service", "orders-service"]);
    });
  });
});
