// Renders one service into a tree scoped at the service folder: the same code path for
// `fastdapr new` and for every service of a platform manifest.
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import { renderPythonApp } from "./python-app.js";
import { renderPyproject } from "./pyproject.js";
import { renderDocker } from "./docker.js";
import { renderKubernetes } from "./kubernetes.js";
import { renderLocalDaprResources } from "./dapr-resources.js";
import { renderCompose } from "./compose.js";
import { renderProjectFiles } from "./project-files.js";

export type Capability = (svc: ServiceModel, tree: Tree) => void;

const CAPABILITIES: Capability[] = [
  renderPythonApp,
  renderPyproject,
  renderDocker,
  renderKubernetes,
  renderLocalDaprResources,
  renderCompose,
  renderProjectFiles,
];

export function renderService(svc: ServiceModel, tree: Tree): void {
  for (const capability of CAPABILITIES) capability(svc, tree);
}
