// Generated Python is formatted in-process with ruff's own formatter (the WebAssembly build of the
// same ruff version the generated project pins), so `ruff format --check` passes on every file
// and a regeneration diff never shows formatting noise.
import { createRequire } from "node:module";
import type * as Ruff from "@astral-sh/ruff-wasm-nodejs";

/** Must match the [tool.ruff] settings written into the generated pyproject.toml. */
export const RUFF_SETTINGS = { "target-version": "py311", "line-length": 100 } as const;

let workspace: Ruff.Workspace | undefined;

// Loading ruff compiles its WebAssembly (the largest single cost of `fastdapr new`): it happens at
// the first file to format, so a command that stops before (bad input, nothing to render) skips it.
function ruffWorkspace(): Ruff.Workspace {
  if (!workspace) {
    const { PositionEncoding, Workspace } = createRequire(import.meta.url)("@astral-sh/ruff-wasm-nodejs") as typeof Ruff;
    workspace = new Workspace({ ...RUFF_SETTINGS, format: {} }, PositionEncoding.Utf16);
  }
  return workspace;
}

// The same source always formats the same: most files of a platform's services are rendered
// identically (or for a few shapes), so each distinct text goes through ruff once per run.
const formatted = new Map<string, string>();

export function formatPython(source: string): string {
  let out = formatted.get(source);
  if (out === undefined) {
    out = ruffWorkspace().format(source);
    formatted.set(source, out);
  }
  return out;
}
