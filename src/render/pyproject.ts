// pyproject.toml of a generated service, built as data and serialised with smol-toml.
import { RUFF_SETTINGS } from "./python-format.js";
import { stringify } from "smol-toml";
import { ruffTarget } from "../model/python-version.js";
import type { ServiceModel } from "../model/service.js";
import { oneLine } from "./literals.js";
import type { Tree } from "../tree/tree.js";
import { PYTHON_AGENT_DEPENDENCIES, PYTHON_DEPENDENCIES, PYTHON_DEV_DEPENDENCIES } from "../versions.js";

export function pins(deps: Record<string, string>): string[] {
  return Object.entries(deps).map(([name, version]) => `${name}==${version}`);
}

export function pyproject(svc: ServiceModel): Record<string, unknown> {
  // the dapr-conversation backend talks to the sidecar's Conversation API: no provider SDK to install
  const runtime = { ...PYTHON_DEPENDENCIES, ...(svc.agent?.backend === "openai" ? PYTHON_AGENT_DEPENDENCIES : {}) };
  return {
    "build-system": { requires: ["setuptools>=77"], "build-backend": "setuptools.build_meta" },
    project: {
      name: svc.name,
      version: "0.1.0",
      // a package summary is one line (core metadata)
      description: oneLine(svc.description),
      "requires-python": `>=${svc.pythonVersion}`,
      dependencies: pins(runtime),
    },
    "dependency-groups": { dev: pins(PYTHON_DEV_DEPENDENCIES) },
    tool: {
      setuptools: {
        packages: { find: { include: ["app*"] } },
        // the agent's system prompt ships inside the package
        "package-data": { "*": ["*.md"] },
      },
      ruff: {
        ...RUFF_SETTINGS,
        // the service's own Python: pyupgrade (UP) and the other version-aware rules follow it. The
        // in-process formatter formats for the lowest supported target; its output is the same on
        // every supported one (test/generated/python-versions.test.ts runs ruff format --check on each)
        "target-version": ruffTarget(svc.pythonVersion),
        src: ["."],
        lint: {
          select: ["E", "W", "F", "I", "B", "C4", "UP", "ASYNC", "S", "ARG", "T20", "N", "SIM", "RUF"],
          // line length is the formatter's job; it cannot split long strings, which E501 would flag.
          // Generics are written with TypeVar, which every supported Python runs: the PEP 695 syntax
          // these rules ask for from a 3.12 target on would not parse on 3.11
          ignore: ["E501", "UP046", "UP047"],
          isort: { "known-first-party": ["app", "tests"] },
          "per-file-ignores": {
            // asserts are how pytest tests, dummy tokens are not secrets, and test callbacks
            // ignore arguments they do not need
            "tests/**": ["S101", "S105", "S106", "ARG001"],
          },
        },
      },
      mypy: {
        strict: true,
        python_version: svc.pythonVersion,
        plugins: ["pydantic.mypy"],
        exclude: ["^build/"],
      },
      "pydantic-mypy": { init_forbid_extra: true, init_typed: true, warn_required_dynamic_aliases: true },
      pytest: {
        ini_options: {
          asyncio_mode: "auto",
          asyncio_default_fixture_loop_scope: "function",
          testpaths: ["tests"],
          pythonpath: ["."],
          addopts: ["--strict-markers"],
          filterwarnings: ["error"],
        },
      },
    },
  };
}

export function renderPyproject(svc: ServiceModel, tree: Tree): void {
  tree.add("pyproject.toml", stringify(pyproject(svc)), "generated");
}
