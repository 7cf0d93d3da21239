// A throwaway CA and a server certificate for 127.0.0.1/localhost (EC P-256, valid one day), made
// with openssl: for stores that must be reached over verified TLS (daprd trusts the CA through
// SSL_CERT_FILE, which Go reads in place of the system roots).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TlsFiles } from "./servers.js";
import { tempDir } from "./util.js";

const openssl = (dir: string, ...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** openssl in `dir`: a self-signed CA (ca.key, ca.crt), EC P-256, valid one day */
export function writeCertificateAuthority(dir: string, commonName: string): void {
  openssl(
    dir,
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    `/O=fastdapr-e2e/CN=${commonName}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
}

/**
 * openssl in `dir`: one certificate (<name>.key, <name>.crt) signed by the CA already there (ca.key,
 * ca.crt), with the given subject (default /O=fastdapr-e2e/CN=<commonName>) and X.509 extensions
 */
export function signCertificate(dir: string, cert: { name: string; commonName: string; subject?: string; extensions: string }): void {
  const { name } = cert;
  openssl(dir, "req", "-new", ...EC_KEY, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", cert.subject ?? `/O=fastdapr-e2e/CN=${cert.commonName}`);
  writeFileSync(join(dir, `${name}.ext`), cert.extensions);
  openssl(dir, "x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", `${name}.ext`, "-out", `${name}.crt`);
}

/**
 * openssl in `dir`: a self-signed CA (ca.key, ca.crt) and one certificate it signs
 * (<name>.key, <name>.crt) with the given X.509 extensions; EC P-256, valid one day.
 */
export function writeSignedCertificate(dir: string, cert: { caCommonName: string; name: string; commonName: string; extensions: string }): void {
  writeCertificateAuthority(dir, cert.caCommonName);
  signCertificate(dir, cert);
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
