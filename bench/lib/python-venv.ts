// Virtual environments of the runtime benchmark, built from pins (src/versions.ts) into the bench
// cache, keyed by the Python version and the pins: exactly what a generated service installs, and
// the same plus the client libraries it is compared with. Reused until a pin changes.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function ensureVenv(cache: string, name: string, pins: Record<string, string>): string {
  const python = process.env.PYTHON || "python3";
  const version = execFileSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" }).trim();
  const requirements = Object.entries(pins)
    .map(([pkg, v]) => `${pkg}==${v}`)
    .sort()
    .join("\n");
  const hash = createHash("sha256").update(`${version}\n${requirements}\n`).digest("hex").slice(0, 12);
  const venv = join(cache, `${name}-${hash}`);
  if (existsSync(join(venv, ".complete"))) return venv;
  console.error(`bench: building ${venv}`);
  rmSync(venv, { recursive: true, force: true });
  execFileSync(python, ["-m", "venv", venv], { stdio: "inherit" });
  writeFileSync(join(venv, "requirements.txt"), `${requirements}\n`);
  execFileSync(join(venv, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", join(venv, "requirements.txt")], { stdio: "inherit" });
  writeFileSync(join(venv, ".complete"), "");
  return venv;
}
