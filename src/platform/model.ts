// The typed model of a whole platform: every service fully built (ServiceModel), the topics with
// their payload models, and the shared infrastructure settings. Renderers read this and nothing else.
import type { PayloadSchema } from "../manifest/schema.js";
import type { PayloadModel, ServiceModel } from "../model/service.js";
import type { PythonVersion } from "../versions.js";
import type { StarterPreset } from "../manifest/presets/starter-presets.js";
import type { PlatformObservability } from "./observability.js";

/** A problem that does not stop generation (e.g. a topic nobody subscribes to). */
export interface Warning {
  code: string;
  message: string;
  /** "fastdapr.yaml:LINE:COL" */
  location: string;
}

export interface PlatformTopic {
  name: string; // "learning.query"
  description: string;
  payload: PayloadModel;
  /** The topic's JSON Schema exactly as the manifest gives it (null: none, any JSON object). */
  schema: PayloadSchema | null;
  /** Names of the services that publish / subscribe to it, in service order. */
  publishers: string[];
  subscribers: string[];
}

export interface PlatformDefaults {
  pythonVersion: PythonVersion;
  imageRegistry: string;
  imageTag: string;
  pubsub: { name: string; dev: "redis" | "kafka"; prod: "kafka" };
  stateStore: { name: string; dev: "redis" | "postgresql"; prod: "postgresql" | "redis" };
  daprConfig: string;
}

export interface PlatformModel {
  name: string;
  /** Kubernetes namespace (the manifest's `namespace`, else its name). */
  namespace: string;
  description: string;
  /** The preset whose starter code the services' user-owned files start from (manifest `preset`). */
  preset: StarterPreset | null;
  defaults: PlatformDefaults;
  /** Where services and sidecars send OpenTelemetry data, per environment (manifest `observability`). */
  observability: PlatformObservability;
  /** Every declared topic, in manifest order. */
  topics: PlatformTopic[];
  /** Every service, in manifest order, built by buildServiceModel with topic payloads filled in. */
  services: ServiceModel[];
  warnings: Warning[];
}
