// A single-node Kubernetes cluster for the cluster e2e tests (test/e2e/cluster-*.test.ts), made of
// what scripts/provision-kube.sh and scripts/provision-cluster.sh cached: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, containerd + runc + the CNI bridge plugin, the kubelet,
// kube-proxy (Service addresses, iptables mode), kube-router (NetworkPolicy enforcement, firewall
// mode only) and CoreDNS (a pod in kube-system, as the generated DNS egress policy expects it).
//
// All of it runs in a network namespace the harness creates (cluster-node.ts): the pods sit on a
// bridge there, the node's address is a dummy interface, there is no route off the machine, and
// the teardown removes processes, mounts, the namespace (interfaces, iptables rules) and cgroups.
// kubectl runs inside the namespace too. No registry is reachable: the images are imported from
// the tarballs provision-cluster.sh saved into containerd's k8s.io namespace.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadKubeRuntime, type KubeRuntime, type KubectlRun } from "./kube.js";
import { spawnManaged, type ManagedProcess } from "./proc.js";
import { cacheRoot, runCaptured, waitFor } from "./util.js";
import { BRIDGE, DNS_SERVICE_IP, NODE_IP, POD_CIDR, POD_GATEWAY, SERVICE_CIDR, createNode, type Node } from "./cluster-node.js";
import { NODE_NAME, writeClusterPki } from "./cluster-pki.js";
import { coreDnsManifest } from "./cluster-addons.js";

/** what scripts/provision-cluster.sh wrote to $FASTDAPR_CACHE/cluster.json */
export interface ClusterRuntime {
  kubernetesVersion: string;
  kubelet: string;
  kubeScheduler: string;
  kubeProxy: string;
  containerd: string;
  ctr: string;
  runc: string;
  cniBin: string;
  kubeRouter: string;
  helm: string;
  daprChart: string;
  daprRegistry: string;
  daprTag: string;
  pauseImage: string;
  corednsImage: string;
  redisImage: string;
  imageTars: string[];
}

export function loadClusterRuntime(): ClusterRuntime {
  const file = join(cacheRoot(), "cluster.json");
  if (!existsSync(file)) throw new Error(`${file} not found: run \`bash scripts/provision-cluster.sh\` first`);
  const rt = JSON.parse(readFileSync(file, "utf8")) as ClusterRuntime;
  for (const k of ["kubelet", "kubeScheduler", "kubeProxy", "containerd", "ctr", "kubeRouter", "helm", "daprChart"] as const) {
    if (!existsSync(rt[k])) throw new Error(`${k} missing at ${rt[k]}: re-run scripts/provision-cluster.sh`);
  }
  for (const t of rt.imageTars) if (!existsSync(t)) throw new Error(`image ${t} missing: re-run scripts/provision-cluster.sh`);
  return rt;
}

export interface Cluster {
  kube: KubeRuntime;
  runtime: ClusterRuntime;
  node: Node;
  kubeconfig: string;
  kubectl(args: string[], opts?: { input?: string }): Promise<KubectlRun>;
  kubectlOk(args: string[], opts?: { input?: string }): Promise<string>;
  /** any command inside the node's network namespace (helm, ctr, curl to a pod IP) */
  exec(command: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<KubectlRun>;
  /** import a `docker save` tarball into the node's containerd (k8s.io namespace) */
  importImage(tar: string): Promise<void>;
  processes: ManagedProcess[];
  /** timings of the start, in ms, by phase */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const kube = loadKubeRuntime();
  const rt = loadClusterRuntime();
  const node = createNode();
  const processes: ManagedProcess[] = [];
  const timings: Record<string, number> = {};
  let t = Date.now();
  const mark = (phase: string) => {
    timings[phase] = Date.now() - t;
    t = Date.now();
  };
  const stop = async () => {
    for (const p of [...processes].reverse()) await p.stop(p.name.startsWith("kubelet") ? 10_000 : 5000);
    node.teardown();
  };
  const d = (...p: string[]) => join(node.dir, ...p);
  const inNode = (name: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const [c, a] = node.inNetns(command, args);
    const p = spawnManaged({ name, command: c, args: a, env, deadlineMs: 60 * 60_000 });
    processes.push(p);
    return p;
  };
  const exec = (command: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) => {
    const [c, a] = node.inNetns(command, args);
    return runCaptured(c, a, opts);
  };
  try {
    const server = `https://${NODE_IP}:6443`;
    mkdirSync(d("pki"));
    const pki = writeClusterPki(d("pki"), server);
    const kubectl = (args: string[], opts: { input?: string } = {}) =>
      exec(kube.kubectl, ["--kubeconfig", pki.kubeconfigs.admin, ...args], { input: opts.input, env: { ...process.env, KUBECONFIG: "" } });
    const kubectlOk = async (args: string[], opts: { input?: string } = {}) => {
      const r = await kubectl(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    const exited = (p: ManagedProcess) => () => (p.hasExited() ? `${p.name} exited:\n${p.logs().slice(-6000)}` : undefined);
    mark("pki");

    // ---- control plane
    const etcd = inNode("etcd", kube.etcd, [
      "--name",
      "fastdapr",
      "--data-dir",
      d("etcd"),
      "--listen-client-urls",
      "http://127.0.0.1:2379",
      "--advertise-client-urls",
      "http://127.0.0.1:2379",
      "--listen-peer-urls",
      "http://127.0.0.1:2380",
      "--initial-advertise-peer-urls",
      "http://127.0.0.1:2380",
      "--initial-cluster",
      "fastdapr=http://127.0.0.1:2380",
    ]);
    const apiserver = inNode("kube-apiserver", kube.kubeApiserver, [
      "--etcd-servers",
      "http://127.0.0.1:2379",
      "--bind-address",
      "0.0.0.0",
      "--advertise-address",
      NODE_IP,
      "--secure-port",
      "6443",
      "--tls-cert-file",
      pki.apiserver.cert,
      "--tls-private-key-file",
      pki.apiserver.key,
      "--client-ca-file",
      pki.ca,
      "--kubelet-client-certificate",
      pki.apiserverKubeletClient.cert,
      "--kubelet-client-key",
      pki.apiserverKubeletClient.key,
      // the node's name resolves nowhere (there is no DNS for nodes): use its address
      "--kubelet-preferred-address-types",
      "InternalIP",
      "--authorization-mode",
      "Node,RBAC",
      "--enable-admission-plugins",
      "NodeRestriction",
      "--allow-privileged=true",
      "--service-account-issuer",
      "https://kubernetes.default.svc.cluster.local",
      "--service-account-key-file",
      pki.serviceAccountPublic,
      "--service-account-signing-key-file",
      pki.serviceAccountPrivate,
      "--service-cluster-ip-range",
      SERVICE_CIDR,
      "--profiling=false",
    ]);
    await waitFor("kube-apiserver /readyz", async () => (await kubectl(["get", "--raw", "/readyz"])).stdout.trim() === "ok", {
      timeoutMs: 180_000,
      intervalMs: 500,
      abortIf: () => exited(apiserver)() ?? exited(etcd)(),
    });
    mark("apiserver");
    const cm = inNode("kube-controller-manager", kube.kubeControllerManager, [
      "--kubeconfig",
      pki.kubeconfigs.controllerManager,
      "--authentication-kubeconfig",
      pki.kubeconfigs.controllerManager,
      "--authorization-kubeconfig",
      pki.kubeconfigs.controllerManager,
      "--bind-address",
      "127.0.0.1",
      "--leader-elect=false",
      "--use-service-account-credentials",
      "--service-account-private-key-file",
      pki.serviceAccountPrivate,
      "--root-ca-file",
      pki.ca,
      "--cluster-signing-cert-file",
      pki.ca,
      "--cluster-signing-key-file",
      pki.caKey,
      // the node's podCIDR, read by kube-router; the CNI bridge uses the same range
      "--allocate-node-cidrs",
      "--cluster-cidr",
      "10.244.0.0/16",
      "--node-cidr-mask-size",
      "24",
      "--service-cluster-ip-range",
      SERVICE_CIDR,
      "--profiling=false",
    ]);
    const scheduler = inNode("kube-scheduler", rt.kubeScheduler, [
      "--kubeconfig",
      pki.kubeconfigs.scheduler,
      "--authentication-kubeconfig",
      pki.kubeconfigs.scheduler,
      "--authorization-kubeconfig",
      pki.kubeconfigs.scheduler,
      "--bind-address",
      "127.0.0.1",
      "--leader-elect=false",
      "--profiling=false",
    ]);

    // ---- node: containerd, images, kubelet
    mkdirSync(d("cni", "conf"), { recursive: true });
    writeFileSync(
      d("cni", "conf", "10-fastdapr.conflist"),
      JSON.stringify(
        {
          cniVersion: "0.4.0",
          name: "fastdapr",
          plugins: [
            {
              type: "bridge",
              bridge: BRIDGE,
              isGateway: true,
              isDefaultGateway: true,
              // no masquerading: there is nowhere off the node to go
              ipMasq: false,
              hairpinMode: true,
              ipam: { type: "host-local", ranges: [[{ subnet: POD_CIDR, gateway: POD_GATEWAY }]], dataDir: d("cni", "ipam") },
            },
            { type: "portmap", capabilities: { portMappings: true } },
          ],
        },
        null,
        2,
      ),
    );
    const sock = d("containerd.sock");
    writeFileSync(d("containerd.toml"), containerdConfig(node.dir, sock, rt));
    const containerd = inNode("containerd", rt.containerd, ["--config", d("containerd.toml")]);
    await waitFor("containerd", async () => (await runCaptured(rt.ctr, ["--address", sock, "version"])).code === 0, {
      timeoutMs: 60_000,
      intervalMs: 300,
      abortIf: exited(containerd),
    });
    const importImage = async (tar: string) => {
      const r = await runCaptured(rt.ctr, ["--address", sock, "-n", "k8s.io", "images", "import", "--no-unpack=false", tar]);
      if (r.code !== 0) throw new Error(`ctr images import ${tar} failed:\n${r.stderr}${r.stdout}`);
    };
    for (const tar of rt.imageTars) await importImage(tar);
    mark("containerd+images");

    writeFileSync(
      d("kubelet.yaml"),
      stringify({
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        // this machine boots cgroup v1, which kubelets from 1.35 on refuse unless told
        failCgroupV1: false,
        // containerd 1.6 does not answer the RuntimeConfig call; the kubelet falls back to this
        cgroupDriver: "cgroupfs",
        cgroupRoot: node.cgroupRoot,
        failSwapOn: false,
        containerRuntimeEndpoint: `unix://${sock}`,
        address: NODE_IP,
        port: 10250,
        readOnlyPort: 0,
        healthzBindAddress: "127.0.0.1",
        healthzPort: 10248,
        tlsCertFile: pki.kubeletServing.cert,
        tlsPrivateKeyFile: pki.kubeletServing.key,
        authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: pki.ca } },
        authorization: { mode: "Webhook" },
        clusterDNS: [DNS_SERVICE_IP],
        clusterDomain: "cluster.local",
        // the pods' resolver is CoreDNS only: no host resolv.conf, no upstream
        resolvConf: "",
        podLogsDir: d("pod-logs"),
        // a shared disk: never evict or collect images because other work filled it
        evictionHard: { "memory.available": "50Mi", "nodefs.available": "1%", "imagefs.available": "1%", "nodefs.inodesFree": "1%" },
        imageGCHighThresholdPercent: 100,
        imageGCLowThresholdPercent: 99,
        serializeImagePulls: false,
        maxPods: 60,
      }),
    );
    const kubelet = inNode("kubelet", rt.kubelet, [
      "--config",
      d("kubelet.yaml"),
      "--kubeconfig",
      pki.kubeconfigs.kubelet,
      "--root-dir",
      d("kubelet"),
      "--cert-dir",
      d("kubelet-pki"),
      "--hostname-override",
      NODE_NAME,
      "--node-ip",
      NODE_IP,
    ]);
    await waitFor(
      `node ${NODE_NAME} registered with a podCIDR`,
      async () => {
        const r = await kubectl(["get", "node", NODE_NAME, "-o", "jsonpath={.spec.podCIDR}"]);
        return r.code === 0 && r.stdout.trim() !== "";
      },
      { timeoutMs: 180_000, intervalMs: 1000, abortIf: () => exited(kubelet)() ?? exited(cm)() ?? exited(scheduler)() ?? exited(containerd)() },
    );
    mark("kubelet");

    // ---- services and policies
    writeFileSync(
      d("kube-proxy.yaml"),
      stringify({
        apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        clientConnection: { kubeconfig: pki.kubeconfigs.proxy },
        mode: "iptables",
        clusterCIDR: "10.244.0.0/16",
        hostnameOverride: NODE_NAME,
        healthzBindAddress: "127.0.0.1:10256",
        metricsBindAddress: "127.0.0.1:10249",
        // conntrack's table size is a host-wide setting: leave it alone
        conntrack: { maxPerCore: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
      }),
    );
    const proxy = inNode("kube-proxy", rt.kubeProxy, ["--config", d("kube-proxy.yaml")]);
    const router = inNode("kube-router", rt.kubeRouter, [
      "--kubeconfig",
      pki.kubeconfigs.router,
      "--hostname-override",
      NODE_NAME,
      "--run-firewall=true",
      "--run-router=false",
      "--run-service-proxy=false",
      "--service-cluster-ip-range",
      SERVICE_CIDR,
      "--health-port",
      "20244",
      "--metrics-port",
      "0",
    ]);
    await kubectlOk(["apply", "-f", "-"], { input: coreDnsManifest(rt.corednsImage, DNS_SERVICE_IP) });
    await waitFor(
      "node Ready and CoreDNS Ready",
      async () => {
        const ready = await kubectl(["get", "node", NODE_NAME, "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
        if (ready.stdout.trim() !== "True") return false;
        const dns = await kubectl(["-n", "kube-system", "get", "deploy", "coredns", "-o", "jsonpath={.status.readyReplicas}"]);
        return dns.stdout.trim() === "1";
      },
      { timeoutMs: 300_000, intervalMs: 1000, abortIf: () => exited(kubelet)() ?? exited(proxy)() ?? exited(router)() ?? exited(containerd)() },
    );
    mark("node-ready+dns");

    return {
      kube,
      runtime: rt,
      node,
      kubeconfig: pki.kubeconfigs.admin,
      kubectl,
      kubectlOk,
      exec,
      importImage,
      processes,
      timings,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function containerdConfig(dir: string, sock: string, rt: ClusterRuntime): string {
  return `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "${sock}"
[ttrpc]
  address = "${sock}.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${rt.pauseImage}"
  # the pods' network namespaces under this node's folder, so the teardown finds every one
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  # the machine withholds CAP_SYS_RESOURCE even from root: no process may lower its OOM score, and
  # runc failed every pod sandbox (the kubelet asks -998 for it) with "can't get final child's PID
  # from pipe: EOF"; containerd's own score is the floor instead
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${rt.runc}"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${rt.cniBin}"
    conf_dir = "${dir}/cni/conf"
`;
}
