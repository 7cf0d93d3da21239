// Finding the manifest file, on its own so that commands that only look for it (the CLI's flag
// help, `fastdapr new` refusing a folder inside a platform) do not load the manifest loader, with
// its YAML parser and schema.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The default manifest file name. */
export const MANIFEST_FILE = "fastdapr.yaml";

/** fastdapr.yaml in `dir` or the nearest folder above it that has one. */
export function findManifestAbove(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const file = join(at, MANIFEST_FILE);
    if (existsSync(file)) return file;
    if (dirname(at) === at) return undefined;
  }
}
