// A throwaway CA and a server certificate for 127.0.0.1/localhost (EC P-256, valid one day), made
// with openssl: for stores that must be reached over verified TLS (daprd trusts the CA through
// SSL_CERT_FILE, which Go reads in place of the system roots).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TlsFiles } from "./servers.js";
import { tempDir } from "./util.js";

export function writeServerCertificate(): TlsFiles {
  const dir = tempDir("tls");
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/O=fastdapr-e2e/CN=store-ca",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/O=fastdapr-e2e/CN=localhost");
  writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "1", "-extfile", "server.ext", "-out", "server.crt");
  return { cert: join(dir, "server.crt"), key: join(dir, "server.key"), ca: join(dir, "ca.crt") };
}
