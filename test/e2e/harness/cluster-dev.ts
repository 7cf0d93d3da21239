// By hand: start the test cluster and keep it until Ctrl-C, printing how to reach it.
//   node --import tsx test/e2e/harness/cluster-dev.ts
import { startCluster } from "./cluster.js";

const c = await startCluster();
console.log(JSON.stringify({ timings: c.timings, netns: c.node.netns, dir: c.node.dir, kubeconfig: c.kubeconfig }, null, 2));
console.log(`kubectl: nsenter --net=/run/netns/${c.node.netns} ${c.kube.kubectl} --kubeconfig ${c.kubeconfig} get pods -A`);
const stop = async () => {
  await c.stop();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
