// Container build files: a multi-stage Dockerfile (a text template) and .dockerignore.
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import { pythonImage } from "../versions.js";
import { APP_UID } from "./kubernetes.js";
import { renderTemplate } from "./templates.js";

const DOCKERIGNORE = [
  ".git",
  ".venv",
  "**/__pycache__",
  "**/*.pyc",
  ".pytest_cache",
  ".mypy_cache",
  ".ruff_cache",
  ".fastdapr",
  "tests",
  "k8s",
  "dapr",
  ".env",
  ".env.*",
  "*.md",
  "docker-compose.yml",
];

export function renderDocker(svc: ServiceModel, tree: Tree): void {
  tree.add("Dockerfile", renderTemplate("docker/Dockerfile.eta", { baseImage: pythonImage(svc.pythonVersion), uid: APP_UID, port: svc.port }, { keepNewlines: true }), "generated");
  tree.add(".dockerignore", DOCKERIGNORE.join("\n"), "generated");
}
