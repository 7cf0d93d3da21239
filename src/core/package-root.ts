// The installed package's root folder (the one holding fastdapr's package.json), found from this
// module's location so it works from src/ (tsx) and from dist/src/ (compiled) alike.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "fastdapr") {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`fastdapr's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
