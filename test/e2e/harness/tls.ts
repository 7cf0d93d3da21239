// A throwaway CA and a server certificate for 127.0.0.1/localhost (EC P-256, valid one day), made
// with openssl: for stores that must be reached over verified TLS (daprd trusts the CA through
// SSL_CERT_FILE, which Go reads in place of the system roots).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TlsFiles } from "./servers.js";
import { tempDir } from "./util.js";

/**
 * openssl in `dir`: a self-signed CA (ca.key, ca.crt) and one certificate it signs
 * (<name>.key, <name>.crt) with the given X.509 extensions; EC P-256, valid one day.
 */
export function writeSignedCertificate(
  dir: string,
  cert: { caCommonName: string; name: string; commonName: string; extensions: string },
): void {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", `/O=fastdapr-e2e/CN=${cert.caCommonName}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  const { name } = cert;
  openssl("req", "-new", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/O=fastdapr-e2e/CN=${cert.commonName}`);
  writeFileSync(join(dir, `${name}.ext`), cert.extensions);
  openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "1", "-extfile", `${name}.ext`, "-out", `${name}.crt`);
}

export function writeServerCertificate(): TlsFiles {
  const dir = tempDir("tls");
  writeSignedCertificate(dir, {
    caCommonName: "store-ca",
    name: "server",
    commonName: "localhost",
    extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  });
  return { cert: join(dir, "server.crt"), key: join(dir, "server.key"), ca: join(dir, "ca.crt") };
}
