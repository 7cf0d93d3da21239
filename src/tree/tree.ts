// The in-memory file tree: every capability adds files here; nothing touches the disk until commit.
import { posix } from "node:path";
import { withGeneratedHeader } from "./header.js";

export type Owner = "generated" | "scaffolded";

export interface TreeFile {
  path: string; // POSIX, relative to the project root
  content: string;
  owner: Owner;
  executable?: boolean;
  /** A scaffolded file the user asked fastdapr to change now (e.g. `add` editing fastdapr.yaml). */
  rewrite?: boolean;
}

export class DuplicatePathError extends Error {}

export class Tree {
  constructor(
    private readonly prefix = "",
    private readonly files = new Map<string, TreeFile>(),
  ) {}

  /** A view of this tree whose paths are relative to `dir` (same files: a scope is only a prefix). */
  scope(dir: string): Tree {
    return new Tree(posix.join(this.prefix, dir), this.files);
  }

  add(path: string, content: string, owner: Owner, options: { executable?: boolean; rewrite?: boolean } = {}): void {
    const full = posix.normalize(posix.join(this.prefix, path));
    if (this.files.has(full)) {
      // Two capabilities claiming one path is a bug in fastdapr, never user error.
      throw new DuplicatePathError(`two renderers wrote ${full}`);
    }
    // every text file ends with exactly one newline, whatever its template did
    const body = content.length === 0 ? content : endWithOneNewline(content);
    const text = owner === "generated" ? withGeneratedHeader(full, body) : body;
    this.files.set(full, {
      path: full,
      content: text,
      owner,
      ...(options.executable ? { executable: true } : {}),
      ...(options.rewrite ? { rewrite: true } : {}),
    });
  }

  get(path: string): TreeFile | undefined {
    return this.files.get(posix.normalize(posix.join(this.prefix, path)));
  }

  /** All files, sorted by path so output and plans are deterministic. */
  list(): TreeFile[] {
    return [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  get size(): number {
    return this.files.size;
  }
}

/** `text` without its trailing newlines, plus one (a scan from the end: a regex tried every offset). */
function endWithOneNewline(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return end === text.length - 1 ? text : `${text.slice(0, end)}\n`;
}
