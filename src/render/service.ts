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
import type { Starter } from "./starters.js";

export type Capability = (svc: ServiceModel, tree: Tree) => void;

/** What every service folder holds, alone or in a platform (the app may start from a preset's starter code). */
const serviceCapabilities = (starter: Starter | null): Capability[] => [(svc, tree) => renderPythonApp(svc, tree, starter), renderPyproject, renderDocker, renderProjectFiles];

/** What a lone service carries itself; in a platform these are shared at the platform root. */
const STANDALONE_CAPABILITIES: Capability[] = [renderKubernetes, renderLocalDaprResources, renderCompose];

export function renderService(svc: ServiceModel, tree: Tree, options: { standalone?: boolean; starter?: Starter | null } = {}): void {
  const own = serviceCapabilities(options.starter ?? null);
  const capabilities = options.standalone === false ? own : [...own, ...STANDALONE_CAPABILITIES];
  for (const capability of capabilities) capability(svc, tree);
}
