// Sample services covering every tier and capability, shared by generated-code and validation tests.
import type { ServiceOptions } from "../../src/model/build-service.js";

export const SAMPLE_SERVICES: ServiceOptions[] = [
  {
    name: "triage-service",
    tier: "lightweight",
    subscribes: ["learning.query"],
    publishes: ["learning.routed"],
    stateKeys: ["session:{id}"],
  },
  {
    name: "progress-service",
    tier: "standard",
    port: 8006,
    subscribes: ["exercise.response", "code.review-feedback"],
    publishes: ["struggle.alert"],
    stateKeys: ["progress:{user_id}", "streak:{user_id}"],
    invokes: ["concepts-service"],
  },
  {
    name: "exercise-service",
    tier: "agent",
    subscribes: ["exercise.request"],
    publishes: ["exercise.response"],
    stateKeys: ["exercise:{id}", "attempts:{user_id}:{exercise_id}"],
    invokes: ["progress-service"],
  },
  { name: "bare-service" },
];
