// The host side of the test cluster's node: a network namespace of its own, the cgroup its pods
// live under, and a teardown that leaves nothing behind (processes, mounts, interfaces, iptables
// rules, cgroups) even when the test failed or the runner was interrupted.
//
// Every node process (etcd, the API server, containerd, the kubelet, kube-proxy, kube-router) runs
// in the network namespace through `nsenter --net`, so the bridge, the pods' veths and every
// iptables rule kube-proxy and kube-router write exist only there; deleting the namespace removes
// them all. It has no route off the machine. nsenter keeps the host's mount namespace (unlike
// `ip netns exec`), so the kubelet's volume mounts and containerd's are seen by both.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** the node's own address (on the namespace's loopback), where the API server and the kubelet listen */
export const NODE_IP = "172.31.255.1";
export const POD_CIDR = "10.244.0.0/24";
export const POD_GATEWAY = "10.244.0.1";
export const SERVICE_CIDR = "10.96.0.0/16";
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const DNS_SERVICE_IP = "10.96.0.10";
export const BRIDGE = "fdcni0";

const CGROUP_FS = "/sys/fs/cgroup";
// the cgroup v1 controllers the kubelet's container manager needs (it checks each exists under its
// root), and the hybrid layout's cgroup v2 tree, where the kubelet makes its cgroups too
const CONTROLLERS = ["cpu", "cpuacct", "cpuset", "memory", "pids", "hugetlb", "blkio", "devices", "freezer", "systemd", "unified"];

export interface Node {
  /** network namespace name (ip netns) */
  netns: string;
  /** everything of this node on disk: containerd's root and state, the kubelet's root, configs */
  dir: string;
  /** the kubelet's --cgroup-root: all pods run below it */
  cgroupRoot: string;
  /** argv prefix that runs a command inside the node's network namespace */
  inNetns(command: string, args: string[]): [string, string[]];
  /** synchronous, idempotent: kills what runs in the node, unmounts, deletes the namespace and cgroups */
  teardown(): void;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
const tryRun = (cmd: string, args: string[]) => {
  try {
    return run(cmd, args);
  } catch {
    return "";
  }
};

const live = new Set<Node>();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers run synchronously: teardown() uses only synchronous calls for that reason
  process.on("exit", () => {
    for (const n of live) n.teardown();
  });
}

/** cgroups of earlier clusters whose network namespace is gone (their teardown could not remove them) */
function sweepStaleCgroups() {
  for (const c of CONTROLLERS) {
    let names: string[] = [];
    try {
      names = readdirSync(join(CGROUP_FS, c)).filter((n) => n.startsWith("fastdapr-cluster-"));
    } catch {
      continue;
    }
    for (const name of names) {
      const id = name.slice("fastdapr-cluster-".length);
      if (existsSync(`/run/netns/fastdapr-node-${id}`)) continue;
      for (const d of cgroupDirs(`/${name}`).filter((x) => x.startsWith(join(CGROUP_FS, c)))) {
        try {
          rmdirSync(d);
        } catch {
          /* still busy: the next run tries again */
        }
      }
    }
  }
}

export function createNode(): Node {
  hookExit();
  sweepStaleCgroups();
  const id = Math.random().toString(36).slice(2, 8);
  const netns = `fastdapr-node-${id}`;
  const dir = mkdtempSync(`/tmp/fastdapr-cluster-${id}-`);
  const cgroupRoot = `/fastdapr-cluster-${id}`;
  let down = false;
  const node: Node = {
    netns,
    dir,
    cgroupRoot,
    inNetns: (command, args) => ["nsenter", [`--net=/run/netns/${netns}`, "--", command, ...args]],
    teardown() {
      if (down) return;
      down = true;
      live.delete(node);
      killCgroup(cgroupRoot);
      killShims(dir);
      unmountUnder(dir);
      tryRun("ip", ["netns", "delete", netns]);
      removeCgroup(cgroupRoot);
      // containerd's snapshots hold every image unpacked (GBs of small files): a detached shell
      // deletes them after the test ends instead of in it (nothing is mounted there any more), and
      // the cgroups still busy a moment ago (killed tasks not yet reaped by this machine's init)
      const cgroups = CONTROLLERS.map((c) => join(CGROUP_FS, c, cgroupRoot)).join(" ");
      const later =
        `for i in 1 2 3 4 5 6 7 8 9 10; do ` +
        `for c in ${cgroups}; do if [ -d "$c" ]; then find "$c" -depth -type d -exec rmdir {} + 2>/dev/null; fi; done; sleep 3; done; ` +
        `rm -rf '${dir}'`;
      try {
        spawn("sh", ["-c", later], { detached: true, stdio: "ignore" }).unref();
      } catch {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  live.add(node);
  try {
    run("ip", ["netns", "add", netns]);
    const ip = (...a: string[]) => run("ip", ["-n", netns, ...a]);
    ip("link", "set", "lo", "up");
    // the node's address on the namespace's loopback (this kernel has no dummy links): local to
    // the node, reached by the pods through their gateway on the bridge
    ip("addr", "add", `${NODE_IP}/32`, "dev", "lo");
    // a route for ClusterIPs, so that the node's own connections to them (the API server calling
    // a webhook Service) get as far as kube-proxy's OUTPUT rules, which send them to a pod; the
    // node's address as source, for the pod to answer to
    ip("route", "add", SERVICE_CIDR, "dev", "lo", "src", NODE_IP);
    // the node routes between pods and its own address; nothing leaves: no interface leads off the machine
    run("nsenter", [`--net=/run/netns/${netns}`, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    for (const c of CONTROLLERS) {
      if (existsSync(join(CGROUP_FS, c))) mkdirSync(join(CGROUP_FS, c, cgroupRoot), { recursive: true });
    }
  } catch (e) {
    node.teardown();
    throw e;
  }
  return node;
}

/** every cgroup directory below root, deepest first, in every controller hierarchy */
function cgroupDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(d, e.name));
    } catch {
      return;
    }
    for (const e of entries) walk(e);
    out.push(d);
  };
  for (const c of CONTROLLERS) walk(join(CGROUP_FS, c, root));
  return out;
}

function killCgroup(root: string) {
  // freeze-free kill: SIGKILL every task until none is left (a forking container may add some)
  for (let round = 0; round < 20; round++) {
    let found = 0;
    for (const d of cgroupDirs(root)) {
      let pids: string[] = [];
      try {
        pids = readFileSync(join(d, "cgroup.procs"), "utf8").split("\n").filter(Boolean);
      } catch {
        continue;
      }
      for (const pid of pids) {
        found++;
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    if (found === 0) return;
    execFileSync("sleep", ["0.1"]);
  }
}

function removeCgroup(root: string) {
  // a kubelet killed a moment ago may still have made a pod's cgroup: retry for a second (the
  // detached cleanup in teardown() retries longer)
  for (let round = 0; round < 10; round++) {
    let left = 0;
    for (const d of cgroupDirs(root)) {
      try {
        rmdirSync(d);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") left++;
      }
    }
    if (left === 0) return;
    execFileSync("sleep", ["0.1"]);
  }
}

/** containerd's runc shims outlive containerd (they are their own process group): found by our socket path */
function killShims(dir: string) {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes("containerd-shim") && cmdline.includes(dir)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
}

/** every mount point under dir (container root file systems, volumes, the pods' netns files), deepest first */
function unmountUnder(dir: string) {
  for (let round = 0; round < 5; round++) {
    const targets = readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[1]?.replace(/\\040/g, " "))
      .filter((t): t is string => !!t && (t === dir || t.startsWith(`${dir}/`)))
      .sort((a, b) => b.length - a.length);
    if (targets.length === 0) return;
    for (const t of targets) tryRun("umount", ["-l", t]);
  }
}
