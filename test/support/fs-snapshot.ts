// Test helper: a folder's full state (paths, contents, mtimes) to compare before and after.
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

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

export interface EntryState {
  kind: "file" | "dir" | "symlink";
  /** Text of a file, target of a symlink; undefined for a folder. */
  content?: string;
  mode: number;
  ino: bigint;
  mtimeNs: bigint;
}

/**
 * Every file, folder and symlink under `dir` (itself excluded) with its content, mode, inode and
 * nanosecond mtime: equal snapshots mean nothing was written, replaced, renamed or touched. A file
 * rewritten with the same bytes within one clock tick still shows, as a new inode.
 */
export function fullSnapshot(dir: string, options: { skip?: string } = {}): Map<string, EntryState> {
  const entries = new Map<string, EntryState>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      if (full === options.skip) continue;
      const st = lstatSync(full, { bigint: true });
      const rel = relative(dir, full).split(sep).join("/");
      const base = { mode: Number(st.mode), ino: st.ino, mtimeNs: st.mtimeNs };
      if (st.isSymbolicLink()) entries.set(rel, { kind: "symlink", content: readlinkSync(full), ...base });
      else if (st.isDirectory()) {
        entries.set(rel, { kind: "dir", ...base });
        walk(full);
      } else entries.set(rel, { kind: "file", content: readFileSync(full, "utf8"), ...base });
    }
  };
  walk(dir);
  return entries;
}
