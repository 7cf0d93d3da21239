// Small project files: .gitignore.
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";

const GITIGNORE = [
  ".venv/",
  "__pycache__/",
  "*.py[cod]",
  ".pytest_cache/",
  ".mypy_cache/",
  ".ruff_cache/",
  ".coverage",
  "htmlcov/",
  "dist/",
  "build/",
  "*.egg-info/",
  ".env",
  ".dapr/",
  ".fastdapr/staging/",
];

export function renderProjectFiles(_svc: ServiceModel, tree: Tree): void {
  tree.add(".gitignore", GITIGNORE.join("\n"), "generated");
}
