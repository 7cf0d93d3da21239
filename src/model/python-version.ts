// The Python version a generated service targets: the Dockerfile's base image, `requires-python`,
// ruff's target-version and mypy's python_version all follow it. One check, shared by the manifest
// (defaults.python) and `fastdapr new --python`, so both refuse the same values with the same words.
import { PYTHON_VERSION, PYTHON_VERSIONS, type PythonVersion } from "../versions.js";

/**
 * Why a version is not in PYTHON_VERSIONS (evidence: docs/generated-service.md, "Python version").
 * Keyed by minor version; anything else is not a Python 3 release fastdapr knows.
 */
const REFUSED: Readonly<Record<string, string>> = {
  "3.14":
    "the pinned dependencies support it, but the generated code is not yet checked on ruff's 3.14 target " +
    "(its formatter and pyupgrade rules rewrite annotations and except clauses for 3.14 only)",
  "3.15": "FastAPI, uvicorn, pydantic-core and openai at the pinned versions do not declare it yet",
};

function reason(value: string): string {
  const known = REFUSED[value];
  if (known) return known;
  const minor = /^3\.(\d+)$/.exec(value);
  if (minor && Number(minor[1]) < Number(PYTHON_VERSIONS[0].split(".")[1])) {
    return `the pinned FastAPI, pydantic-settings and httpx2 need Python ${PYTHON_VERSIONS[0]} or newer`;
  }
  return 'expected a Python minor version such as "3.13"';
}

/** The error message for a version outside PYTHON_VERSIONS (see isPythonVersion). */
export function unsupportedPython(value: string): string {
  return `Python "${value}" is not supported by the generated code and its pinned dependencies; supported: ${PYTHON_VERSIONS.join(", ")}`;
}

/** The hint for a refused version: its reason, and what to use instead. */
export function pythonVersionHint(value: string): string {
  return `${reason(value)}; use one of ${PYTHON_VERSIONS.join(", ")} (default ${PYTHON_VERSION}); docs/generated-service.md, "Python version", has the evidence`;
}

/** "3.13" → "py313", ruff's spelling of a target version. */
export function ruffTarget(version: PythonVersion): string {
  return `py${version.replace(".", "")}`;
}
