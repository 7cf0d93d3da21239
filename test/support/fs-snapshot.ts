// Test helper: a folder's full state (paths, contents, mtimes) to compare before and after.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export interface FileState {
  content: string;
  mtimeMs: number;
}

export function snapshot(root: string): Map<string, FileState> {
  const files = new Map<string, FileState>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else files.set(relative(root, full), { content: readFileSync(full, "utf8"), mtimeMs: st.mtimeMs });
    }
  };
  walk(root);
  return files;
}
