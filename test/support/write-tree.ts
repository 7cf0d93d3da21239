// Test helper: write an in-memory tree straight to a folder (no lock, no plan) for inspection.
import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Tree } from "../../src/tree/tree.js";

export function writeTreeTo(tree: Tree, dir: string): void {
  for (const file of tree.list()) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    if (file.executable) chmodSync(target, 0o755);
  }
}
