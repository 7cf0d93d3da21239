// Credentials shared by the test control plane (kube.ts) and the test cluster (cluster-pki.ts):
// client certificates signed by the harness CA (tls.ts), the service-account signing keys, and
// kubeconfigs that present a client certificate.
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { signCertificate } from "./tls.js";

export interface ClientCert {
  cert: string;
  key: string;
}

/** A certificate for `subject` (whose O/CN are the identity RBAC sees), signed by the CA in `dir`. */
export function clientCertificate(dir: string, name: string, subject: string): ClientCert {
  signCertificate(dir, { name, commonName: name, subject, extensions: "extendedKeyUsage=clientAuth\n" });
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** The key pair the API server signs (private) and checks (public) service-account tokens with. */
export function writeServiceAccountKeys(dir: string): { serviceAccountPrivate: string; serviceAccountPublic: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serviceAccountPrivate = join(dir, "service-account.key");
  const serviceAccountPublic = join(dir, "service-account.pub");
  writeFileSync(serviceAccountPrivate, privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(serviceAccountPublic, publicKey.export({ type: "spki", format: "pem" }));
  return { serviceAccountPrivate, serviceAccountPublic };
}

/** A kubeconfig for `server` that trusts `ca` and presents `user`'s certificate; returns `file`. */
export function writeKubeconfig(file: string, server: string, ca: string, user: ClientCert): string {
  writeFileSync(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fastdapr", cluster: { server, "certificate-authority": ca } }],
      users: [{ name: "fastdapr", user: { "client-certificate": user.cert, "client-key": user.key } }],
      contexts: [{ name: "fastdapr", context: { cluster: "fastdapr", user: "fastdapr" } }],
      "current-context": "fastdapr",
    }),
  );
  return file;
}
