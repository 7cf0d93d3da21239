// The Python application of a service: app/, tests/, pyproject and env files.
import type { ServiceModel } from "../model/service.js";
import type { Tree } from "../tree/tree.js";
import { renderTemplate } from "./templates.js";

export function renderPythonApp(svc: ServiceModel, tree: Tree): void {
  tree.add("app/__init__.py", renderTemplate("service/app/__init__.py.eta", { svc }), "generated");
}
