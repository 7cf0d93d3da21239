// Sample services covering every tier and capability, shared by generated-code and validation tests.
import type { ServiceOptions } from "../../src/model/build-service.js";

export const SAMPLE_SERVICES: ServiceOptions[] = [
  {
    // public, as in LearnFlow: its API also takes bearer tokens from callers outside Dapr
    name: "triage-service",
    tier: "lightweight",
    public: true,
    subscribes: ["learning.query"],
    publishes: ["learning.routed"],
    stateKeys: ["session:{id}"],
  },
  {
    name: "progress-service",
    tier: "standard",
    port: 8006,
    subscribes: [
      {
        // a topic with a schema: a closed payload model with aliases and optional fields
        name: "exercise.response",
        payload: {
          className: "ExerciseResponse",
          description: "A learner's answer to an exercise.",
          open: false,
          fields: [
            { name: "user_id", alias: "userId", pyType: "str", required: true, description: "The learner.", defaultRepr: null, example: '"example"' },
            { name: "score", alias: null, pyType: "float", required: true, description: null, defaultRepr: null, example: "1.5" },
            { name: "passed", alias: null, pyType: "bool | None", required: false, description: "Whether all checks passed.", defaultRepr: "None", example: "None" },
            { name: "tags", alias: null, pyType: "list[str]", required: false, description: null, defaultRepr: "[]", example: "[]" },
          ],
        },
      },
      "code.review-feedback",
    ],
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
  {
    // the provider-neutral backend: Dapr's Conversation API, no provider key in the service
    name: "debug-service",
    tier: "agent",
    agentBackend: "dapr-conversation",
    conversationComponent: "debug-llm",
    subscribes: ["debug.request"],
    stateKeys: ["error:{hash}"],
  },
  { name: "bare-service" },
];
