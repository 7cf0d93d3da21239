// Versions written into generated projects, as data (checked by the generated-code tests, which
// install exactly these into a cached virtual environment).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "./core/package-root.js";

/**
 * The Dapr runtime and Kafka broker versions, shared with scripts/provision.sh (which builds exactly
 * these for the tests): runtime-versions.json at the package root is their one source.
 */
export const RUNTIME_VERSIONS_FILE = join(PACKAGE_ROOT, "runtime-versions.json");
const runtime = JSON.parse(readFileSync(RUNTIME_VERSIONS_FILE, "utf8")) as { dapr: string; kafka: string };

/**
 * Python versions a generated service may target (manifest `defaults.python`, `fastdapr new --python`):
 * those every pinned dependency below allows (requires-python), installs from wheels on and
 * declares (trove classifiers), and on whose ruff/mypy target the generated code is checked clean.
 * docs/generated-service.md § "Python version" has the evidence, src/model/python-version.ts the
 * reason each other version is refused; `npx tsx scripts/pins-report.ts` re-checks the
 * dependencies' side when the pins move.
 */
export const PYTHON_VERSIONS = ["3.11", "3.12", "3.13"] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
/** The default: Debian 13 "trixie"'s own Python, the one the test suite runs the generated checks on in a container. */
export const PYTHON_VERSION: PythonVersion = "3.13";
/** Debian release of the base image; the official Python images build every supported version on it. */
export const DEBIAN_RELEASE = "trixie";

/** The official slim image of a Python version (the generated Dockerfile's base). */
export function pythonImage(version: PythonVersion): string {
  return `python:${version}-slim-${DEBIAN_RELEASE}`;
}

export function isPythonVersion(value: string): value is PythonVersion {
  return (PYTHON_VERSIONS as readonly string[]).includes(value);
}
export const DAPR_RUNTIME_VERSION = runtime.dapr;
export const KAFKA_VERSION = runtime.kafka;

// The runtime of every generated service. The sidecar client is aiohttp and the server uvicorn on
// uvloop + httptools: the fastest of the combinations measured on the generated code (docs/design.md,
// "The sidecar client"; docs/benchmarks.md).
export const PYTHON_DEPENDENCIES = {
  fastapi: "0.165.0",
  uvicorn: "0.54.0",
  uvloop: "0.23.0",
  httptools: "0.9.0",
  pydantic: "2.14.4",
  "pydantic-settings": "2.16.3",
  aiohttp: "3.14.5",
  // OpenTelemetry (app/core/telemetry.py): the API and SDK, and the OTLP exporter over HTTP with
  // protobuf, whose dependencies (protobuf, requests) are lighter than the gRPC exporter's (grpcio).
  // Loaded only when an endpoint is configured; the instrumentation is the generated code's own.
  "opentelemetry-api": "1.45.2",
  "opentelemetry-sdk": "1.45.2",
  "opentelemetry-exporter-otlp-proto-http": "1.45.2",
} as const;

export const PYTHON_AGENT_DEPENDENCIES = {
  openai: "3.57.0",
} as const;

export const PYTHON_DEV_DEPENDENCIES = {
  pytest: "9.2.0",
  "pytest-asyncio": "1.5.0",
  // FastAPI's TestClient runs on it; the app itself does not use it
  httpx: "0.28.1",
  httpx2: "2.16.2",
  // the same version as the @astral-sh/ruff-wasm-nodejs that formats generated code
  ruff: "0.17.4",
  mypy: "2.4.1",
} as const;

export const CONTAINER_IMAGES = {
  python: pythonImage(PYTHON_VERSION),
  daprd: `daprio/daprd:${DAPR_RUNTIME_VERSION}`,
  redis: "redis:7.4-alpine",
  kafka: `apache/kafka:${KAFKA_VERSION}`,
  postgres: "postgres:16-alpine",
  // the core distribution: OTLP receiver, batch processor, debug exporter (the generated collector)
  otelCollector: "otel/opentelemetry-collector:0.165.0",
} as const;
