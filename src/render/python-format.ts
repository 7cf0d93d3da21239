// Generated Python is formatted in-process with ruff's own formatter (the WebAssembly build of the
// same ruff version the generated project pins), so `ruff format --check` passes on every file
// and a regeneration diff never shows formatting noise.
import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";

/** Must match the [tool.ruff] settings written into the generated pyproject.toml. */
export const RUFF_SETTINGS = { "target-version": "py311", "line-length": 100 } as const;

let workspace: Workspace | undefined;

export function formatPython(source: string): string {
  workspace ??= new Workspace({ ...RUFF_SETTINGS, format: {} }, PositionEncoding.Utf16);
  return workspace.format(source);
}
