// A Kubernetes control plane on 127.0.0.1 for the admission e2e test: etcd, kube-apiserver and
// kube-controller-manager as built by scripts/provision-kube.sh, with kubectl against it. No kubelet
// or scheduler: Pods are created and admitted (or refused) and then stay Pending, which is all an
// admission test needs.
//
// The API server reaches admission webhooks that are registered by Service reference (as Helm
// charts register them) through its egress selector: the "cluster" egress is an HTTP CONNECT proxy
// on a Unix socket, served here, that maps a Service's ClusterIP:port to a process on loopback and
// refuses every other destination. Nothing leaves 127.0.0.1.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { stringify } from "yaml";
import { spawnManaged, type ManagedProcess } from "./proc.js";
import { clientCertificate, writeKubeconfig, writeServiceAccountKeys, type ClientCert } from "./kube-credentials.js";
import { signCertificate, writeCertificateAuthority } from "./tls.js";
import { cacheRoot, fetchT, freePort, runCaptured, tempDir, waitFor, type CapturedRun } from "./util.js";

/** what scripts/provision-kube.sh wrote to $FASTDAPR_CACHE/kube.json */
export interface KubeRuntime {
  kubernetesVersion: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  etcd: string;
  etcdVersion: string;
  daprVersion: string;
  daprInjector: string;
  /** charts/dapr/crds of the Dapr module the injector was built from */
  daprCrds: string;
  /** the injector chart's values.yaml and webhook template, copied from that module */
  daprInjectorChart: string;
}

/** the provisioned control plane; throws (a failure, not a skip) when provisioning has not run */
export function loadKubeRuntime(): KubeRuntime {
  const file = join(cacheRoot(), "kube.json");
  if (!existsSync(file)) throw new Error(`${file} not found: run \`bash scripts/provision-kube.sh\` first`);
  const rt = JSON.parse(readFileSync(file, "utf8")) as KubeRuntime;
  for (const k of ["kubeApiserver", "kubeControllerManager", "kubectl", "etcd", "daprInjector", "daprCrds"] as const) {
    if (!existsSync(rt[k])) throw new Error(`${k} missing at ${rt[k]}: re-run scripts/provision-kube.sh`);
  }
  return rt;
}

export type KubectlRun = CapturedRun;

export interface ControlPlane {
  runtime: KubeRuntime;
  /** kubeconfig of a cluster administrator (system:masters) */
  kubeconfig: string;
  kubectl(args: string[], opts?: { input?: string }): Promise<KubectlRun>;
  /** kubectl that throws with its output unless it exits 0; returns stdout */
  kubectlOk(args: string[], opts?: { input?: string }): Promise<string>;
  /** send the API server's connections for a Service's ClusterIP:port to 127.0.0.1:<loopbackPort> */
  routeService(namespace: string, name: string, servicePort: number, loopbackPort: number): Promise<void>;
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

// ClusterIPs come from this range; they are only ever names in the egress proxy's table
const SERVICE_CIDR = "10.0.0.0/24";

export async function startControlPlane(): Promise<ControlPlane> {
  const rt = loadKubeRuntime();
  const dir = tempDir("kube");
  const etcdData = tempDir("etcd-data");
  const processes: ManagedProcess[] = [];
  const egress = await startEgressProxy(join(dir, "egress.sock"));
  const stop = async () => {
    for (const p of [...processes].reverse()) await p.stop(5000);
    await egress.close();
    rmSync(etcdData, { recursive: true, force: true });
  };
  try {
    const pki = writePki(dir);
    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcd = spawnManaged({
      name: `etcd-${etcdPort}`,
      command: rt.etcd,
      args: [
        "--name",
        "fastdapr",
        "--data-dir",
        etcdData,
        "--listen-client-urls",
        `http://127.0.0.1:${etcdPort}`,
        "--advertise-client-urls",
        `http://127.0.0.1:${etcdPort}`,
        "--listen-peer-urls",
        `http://127.0.0.1:${peerPort}`,
        "--initial-advertise-peer-urls",
        `http://127.0.0.1:${peerPort}`,
        "--initial-cluster",
        `fastdapr=http://127.0.0.1:${peerPort}`,
      ],
    });
    processes.push(etcd);
    await waitFor("etcd /health", async () => (await fetchT(`http://127.0.0.1:${etcdPort}/health`, { timeoutMs: 2000 })).ok, {
      timeoutMs: 30_000,
      abortIf: () => (etcd.hasExited() ? `etcd exited:\n${etcd.logs().slice(-4000)}` : undefined),
    });

    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    const egressConfig = join(dir, "egress-selector.yaml");
    writeFileSync(
      egressConfig,
      stringify({
        apiVersion: "apiserver.k8s.io/v1beta1",
        kind: "EgressSelectorConfiguration",
        egressSelections: [{ name: "cluster", connection: { proxyProtocol: "HTTPConnect", transport: { uds: { udsName: egress.socket } } } }],
      }),
    );
    const apiserver = spawnManaged({
      name: `kube-apiserver-${apiPort}`,
      command: rt.kubeApiserver,
      args: [
        "--etcd-servers",
        `http://127.0.0.1:${etcdPort}`,
        "--bind-address",
        "127.0.0.1",
        "--advertise-address",
        "127.0.0.1",
        // the default reconciler publishes the advertise address as the `kubernetes` Service's
        // endpoint, and endpoints may not be loopback addresses
        "--endpoint-reconciler-type",
        "none",
        "--secure-port",
        String(apiPort),
        "--tls-cert-file",
        pki.apiserverCert,
        "--tls-private-key-file",
        pki.apiserverKey,
        "--client-ca-file",
        pki.ca,
        "--authorization-mode",
        "RBAC",
        "--service-account-issuer",
        "https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file",
        pki.serviceAccountPublic,
        "--service-account-signing-key-file",
        pki.serviceAccountPrivate,
        "--service-cluster-ip-range",
        SERVICE_CIDR,
        "--egress-selector-config-file",
        egressConfig,
        "--profiling=false",
      ],
    });
    processes.push(apiserver);
    const adminKubeconfig = writeKubeconfig(join(dir, "admin.kubeconfig"), server, pki.ca, pki.admin);
    const kubectl = (args: string[], opts: { input?: string } = {}) => runKubectl(rt.kubectl, adminKubeconfig, args, opts.input);
    await waitFor("kube-apiserver /readyz", async () => (await kubectl(["get", "--raw", "/readyz"])).stdout.trim() === "ok", {
      timeoutMs: 120_000,
      intervalMs: 500,
      abortIf: () => (apiserver.hasExited() ? `kube-apiserver exited:\n${apiserver.logs().slice(-6000)}` : undefined),
    });

    const cmPort = await freePort();
    const cmKubeconfig = writeKubeconfig(join(dir, "controller-manager.kubeconfig"), server, pki.ca, pki.controllerManager);
    const controllerManager = spawnManaged({
      name: `kube-controller-manager-${cmPort}`,
      command: rt.kubeControllerManager,
      args: [
        "--kubeconfig",
        cmKubeconfig,
        "--authentication-kubeconfig",
        cmKubeconfig,
        "--authorization-kubeconfig",
        cmKubeconfig,
        "--bind-address",
        "127.0.0.1",
        "--secure-port",
        String(cmPort),
        "--leader-elect=false",
        // each controller acts as its own service account (kube-system:replicaset-controller
        // creates the Pods), which is what Dapr's injector checks before it injects
        "--use-service-account-credentials",
        "--service-account-private-key-file",
        pki.serviceAccountPrivate,
        "--root-ca-file",
        pki.ca,
        "--profiling=false",
      ],
    });
    processes.push(controllerManager);
    // the controllers' own service accounts exist once the controller manager has started them
    await waitFor(
      "kube-controller-manager's replicaset-controller service account",
      async () => (await kubectl(["get", "serviceaccount", "replicaset-controller", "-n", "kube-system"])).code === 0,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        abortIf: () => (controllerManager.hasExited() ? `kube-controller-manager exited:\n${controllerManager.logs().slice(-6000)}` : undefined),
      },
    );

    const kubectlOk = async (args: string[], opts: { input?: string } = {}) => {
      const r = await kubectl(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    return {
      runtime: rt,
      kubeconfig: adminKubeconfig,
      kubectl,
      kubectlOk,
      async routeService(namespace, name, servicePort, loopbackPort) {
        const ip = (await kubectlOk(["get", "service", name, "-n", namespace, "-o", "jsonpath={.spec.clusterIP}"])).trim();
        if (!ip) throw new Error(`service ${namespace}/${name} has no ClusterIP`);
        egress.routes.set(`${ip}:${servicePort}`, loopbackPort);
      },
      processes,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function runKubectl(bin: string, kubeconfig: string, args: string[], input?: string): Promise<KubectlRun> {
  return runCaptured(bin, ["--kubeconfig", kubeconfig, ...args], { input, env: { ...process.env, KUBECONFIG: "" } });
}

interface Pki {
  ca: string;
  apiserverCert: string;
  apiserverKey: string;
  admin: ClientCert;
  controllerManager: ClientCert;
  serviceAccountPrivate: string;
  serviceAccountPublic: string;
}

/** one CA for the API server's serving certificate and the client certificates it trusts */
function writePki(dir: string): Pki {
  writeCertificateAuthority(dir, "kubernetes-ca");
  signCertificate(dir, {
    name: "apiserver",
    commonName: "kube-apiserver",
    extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  });
  return {
    ca: join(dir, "ca.crt"),
    apiserverCert: join(dir, "apiserver.crt"),
    apiserverKey: join(dir, "apiserver.key"),
    admin: clientCertificate(dir, "admin", "/O=system:masters/CN=fastdapr-e2e-admin"),
    controllerManager: clientCertificate(dir, "controller-manager", "/CN=system:kube-controller-manager"),
    ...writeServiceAccountKeys(dir),
  };
}

interface EgressProxy {
  socket: string;
  /** "<ClusterIP>:<port>" → loopback port */
  routes: Map<string, number>;
  close(): Promise<void>;
}

/** the API server's "cluster" egress: HTTP CONNECT over a Unix socket, to routed destinations only */
async function startEgressProxy(socket: string): Promise<EgressProxy> {
  const routes = new Map<string, number>();
  const open = new Set<Socket>();
  const server: Server = createServer((conn) => {
    open.add(conn);
    conn.once("close", () => open.delete(conn));
    conn.on("error", () => conn.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      conn.off("data", onData);
      const target = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(head.subarray(0, end).toString("latin1"))?.[1];
      const port = target ? routes.get(target) : undefined;
      if (port === undefined) {
        conn.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      const upstream = createConnection({ host: "127.0.0.1", port }, () => {
        conn.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const rest = head.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        conn.pipe(upstream).pipe(conn);
      });
      open.add(upstream);
      upstream.once("close", () => open.delete(upstream));
      upstream.on("error", () => conn.destroy());
      conn.once("close", () => upstream.destroy());
    };
    conn.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => resolve());
  });
  return {
    socket,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
