// Certificates and kubeconfigs of the test cluster (test/e2e/harness/cluster.ts): one CA signs the
// API server's serving certificate, the kubelet's, and a client certificate per component, whose
// subject is the identity Kubernetes' built-in RBAC and Node authorizer expect for it.
import { join } from "node:path";
import { clientCertificate, writeKubeconfig, writeServiceAccountKeys, type ClientCert } from "./kube-credentials.js";
import { signCertificate, writeCertificateAuthority } from "./tls.js";
import { KUBERNETES_SERVICE_IP, NODE_IP } from "./cluster-node.js";

export const NODE_NAME = "fastdapr-node";

export interface ClusterPki {
  ca: string;
  caKey: string;
  apiserver: ClientCert;
  kubeletServing: ClientCert;
  serviceAccountPrivate: string;
  serviceAccountPublic: string;
  /** the API server's client certificate for kubelets (exec, logs) */
  apiserverKubeletClient: ClientCert;
  kubeconfigs: Record<"admin" | "controllerManager" | "scheduler" | "kubelet" | "proxy" | "router", string>;
}

export function writeClusterPki(dir: string, server: string): ClusterPki {
  writeCertificateAuthority(dir, "fastdapr-cluster-ca");
  const serving = (name: string, sans: string): ClientCert => {
    signCertificate(dir, { name, commonName: name, extensions: `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n` });
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  };
  const client = (name: string, subject: string) => clientCertificate(dir, name, subject);
  const apiserver = serving(
    "apiserver",
    [
      `IP:${NODE_IP}`,
      `IP:${KUBERNETES_SERVICE_IP}`,
      "IP:127.0.0.1",
      "DNS:localhost",
      "DNS:kubernetes",
      "DNS:kubernetes.default",
      "DNS:kubernetes.default.svc",
      "DNS:kubernetes.default.svc.cluster.local",
    ].join(","),
  );
  const kubeletServing = serving("kubelet-serving", `IP:${NODE_IP},DNS:${NODE_NAME}`);
  const { serviceAccountPrivate, serviceAccountPublic } = writeServiceAccountKeys(dir);
  const ca = join(dir, "ca.crt");
  const kubeconfig = (name: string, user: ClientCert) => writeKubeconfig(join(dir, `${name}.kubeconfig`), server, ca, user);
  return {
    ca,
    caKey: join(dir, "ca.key"),
    apiserver,
    kubeletServing,
    serviceAccountPrivate,
    serviceAccountPublic,
    apiserverKubeletClient: client("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client"),
    kubeconfigs: {
      admin: kubeconfig("admin", client("admin", "/O=system:masters/CN=fastdapr-e2e-admin")),
      controllerManager: kubeconfig("controller-manager", client("controller-manager", "/CN=system:kube-controller-manager")),
      scheduler: kubeconfig("scheduler", client("scheduler", "/CN=system:kube-scheduler")),
      kubelet: kubeconfig("kubelet", client("kubelet", `/O=system:nodes/CN=system:node:${NODE_NAME}`)),
      proxy: kubeconfig("proxy", client("proxy", "/CN=system:kube-proxy")),
      // kube-router reads pods, namespaces and policies cluster-wide; its upstream manifest binds a
      // ClusterRole for that, an administrator's identity is the short equivalent for a test node
      router: kubeconfig("router", client("router", "/O=system:masters/CN=kube-router")),
    },
  };
}
