// The package version, read once from package.json.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "./package-root.js";

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };

export const VERSION = pkg.version;
export const GENERATOR = `fastdapr@${VERSION}`;
