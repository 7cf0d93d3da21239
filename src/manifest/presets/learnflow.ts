// The LearnFlow preset: the six services of the research note (app ids, tiers, state-key patterns,
// topics), wired so that every topic has a publisher and a subscriber.
import { SCHEMA_REF } from "../schema.js";
import { PYTHON_VERSION } from "../../versions.js";

export interface PresetOptions {
  /** Platform name (a DNS label); defaults to the preset's own. */
  name?: string;
  /** Path or URL of the JSON Schema for the yaml-language-server comment on the first line. */
  schemaRef?: string;
}

/** fastdapr.yaml text of the LearnFlow platform. Loads with no errors and no warnings. */
export function learnflowPreset(options: PresetOptions = {}): string {
  const name = options.name ?? "learnflow";
  const schemaRef = options.schemaRef ?? SCHEMA_REF;
  return `# yaml-language-server: $schema=${schemaRef}
#
# LearnFlow: an AI tutoring platform of six FastAPI + Dapr services.
#
#   learner --HTTP--> triage-service --(request topics)--> concepts / code-review / debug / exercise
#   concepts / code-review / debug / exercise --(response topics)--> triage-service (answers kept in
#   the learner's session, which the frontend polls) and progress-service (mastery, streaks)
#   progress-service --struggle.alert--> triage-service (the next query is routed more gently)
#
# Edit this file, then run "fastdapr generate". "fastdapr graph" draws the topology.
apiVersion: fastdapr/v1
name: ${name}
description: AI tutoring for learners of Python, one service per skill.
# The services below start from LearnFlow's starter code (routes, handlers, prompts, their tests)
# instead of empty stubs. Those files are yours once written; fastdapr never overwrites them.
preset: learnflow
defaults:
  python: "${PYTHON_VERSION}"
  imageRegistry: ghcr.io/example/${name}
  imageTag: "0.1.0"
  pubsub:
    name: pubsub
    # named for its role, not its broker: Redis Streams keep local runs light, Kubernetes uses Kafka
    dev: redis
    prod: kafka
  stateStore:
    name: state-store
    dev: redis
    prod: postgresql

# Every topic is domain.action. A schema is JSON Schema (type: object); it becomes the pydantic
# model that validates the event on both sides. A topic without a schema accepts any JSON object.
topics:
  learning.query:
    description: A learner's question, as typed (progress counts it toward the daily streak).
    schema:
      type: object
      required: [ user_id, session_id, query ]
      properties:
        user_id: { type: string, description: The learner. }
        session_id: { type: string, description: The tutoring session the question belongs to. }
        query: { type: string, description: The question as typed. }
        asked_at: { type: string, format: date-time }
  learning.routed:
    description: Where triage sent a query, for analytics of what learners work on.
    schema:
      type: object
      required: [ user_id, session_id, route ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        route: { type: string, enum: [ concepts, code-review, debug, exercise ] }
        confidence: { type: number, description: Classifier confidence from 0 to 1. }
  learning.concept-request:
    description: A learner asks for a concept to be explained.
    schema:
      type: object
      required: [ user_id, session_id, concept ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        concept: { type: string, description: "The concept, e.g. loops." }
        level: { type: string, enum: [ beginner, intermediate, advanced ], default: beginner }
  learning.concept-response:
    description: The explanation of a concept, adapted to the learner's mastery.
    schema:
      type: object
      required: [ user_id, session_id, concept, explanation ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        concept: { type: string }
        explanation: { type: string }
        examples: { type: array, items: { type: string } }
        mastery: { type: number, description: The learner's mastery of the concept from 0 to 1. }
  code.review-request:
    description: A learner submits code for review.
    schema:
      type: object
      required: [ user_id, session_id, code ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        code: { type: string }
        language: { type: string, default: python }
  code.review-feedback:
    description: The review of a submission.
    schema:
      type: object
      required: [ user_id, session_id, review_id, summary ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        review_id: { type: string }
        summary: { type: string }
        issues: { type: array, items: { type: string } }
        score: { type: integer, description: Code quality from 0 to 100. }
  code.error-request:
    description: A learner is stuck on an error and asks for help.
    schema:
      type: object
      required: [ user_id, session_id, code, error ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        code: { type: string }
        error: { type: string, description: The error message or traceback. }
  code.error-hint:
    description: A hint towards fixing an error, not the answer.
    schema:
      type: object
      required: [ user_id, session_id, error_hash, hint ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        error_hash: { type: string }
        hint: { type: string }
        attempt: { type: integer, description: How many hints the learner has had for this error. }
  exercise.request:
    description: A learner submits an answer to an exercise for grading.
    schema:
      type: object
      required: [ user_id, session_id, exercise_id, answer ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        exercise_id: { type: string }
        answer: { type: string }
  exercise.response:
    description: The grade of an exercise answer.
    schema:
      type: object
      required: [ user_id, session_id, exercise_id, correct, score ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        exercise_id: { type: string }
        correct: { type: boolean }
        score: { type: number, description: From 0 to 1. }
        attempts: { type: integer, description: Attempts at this exercise so far. }
        feedback: { type: [ string, "null" ] }
        graded_at: { type: string, format: date-time }
  struggle.alert:
    description: A learner keeps failing; triage routes their next query more gently.
    schema:
      type: object
      required: [ user_id, reason, failed_attempts ]
      properties:
        user_id: { type: string }
        session_id: { type: string }
        reason: { type: string, enum: [ repeated-failures, repeated-errors, low-mastery ] }
        failed_attempts: { type: integer }
        exercise_id: { type: string }

# Each key is the service name, its folder and its Dapr app id. Tiers size the pods:
# lightweight 100m/128Mi, standard 200m/256Mi, agent 500m/512Mi (and an LLM agent).
services:
  triage-service:
    description: Entry point over HTTP; classifies a learner's query and routes it.
    tier: lightweight
    port: 8001
    public: true # the student-facing HTTP entry: the ingress controller may reach it (the others only via Dapr)
    # answers come back here and are kept in the session the frontend polls
    subscribes:
      - learning.concept-response
      - code.review-feedback
      - code.error-hint
      - exercise.response
      - struggle.alert
    publishes:
      - learning.query
      - learning.routed
      - learning.concept-request
      - code.review-request
      - code.error-request
      - exercise.request
    state: [ "session:{id}" ]
    # reads the learner's level before routing
    invokes: [ progress-service ]
  concepts-service:
    description: Explains programming concepts at the learner's level.
    tier: standard
    port: 8002
    subscribes: [ learning.concept-request ]
    publishes: [ learning.concept-response ]
    state: [ "cache:concept:{name}", "mastery:{user_id}" ]
  code-review-service:
    description: Reviews learners' code and remembers their recurring patterns.
    tier: agent
    port: 8003
    subscribes: [ code.review-request ]
    publishes: [ code.review-feedback ]
    state: [ "review:{id}", "patterns:{user_id}" ]
    agent:
      backend: openai
      model: gpt-4o-mini
      systemPrompt: You review Python code written by learners. Point out one or two issues at a time, kindly, and explain why they matter.
  debug-service:
    description: Gives hints for errors, escalating gently with each attempt.
    tier: agent
    port: 8004
    subscribes: [ code.error-request ]
    publishes: [ code.error-hint ]
    state: [ "error:{hash}", "attempts:{user_id}" ]
    agent:
      backend: openai
      model: gpt-4o-mini
      systemPrompt: You help learners fix Python errors. Give a hint that leads to the fix; never give the whole answer.
  exercise-service:
    description: Serves exercises over HTTP and grades submitted answers.
    tier: agent
    port: 8005
    subscribes: [ exercise.request ]
    publishes: [ exercise.response ]
    state: [ "exercise:{id}", "attempts:{user_id}:{exercise_id}" ]
    agent:
      backend: openai
      model: gpt-4o-mini
      systemPrompt: You grade answers to Python exercises. Say whether the answer is correct, give a score from 0 to 1 and one sentence of feedback.
  progress-service:
    description: Tracks progress and streaks; raises an alert when a learner struggles.
    tier: standard
    port: 8006
    subscribes:
      - learning.query
      - learning.routed
      - learning.concept-response
      - code.review-feedback
      - code.error-hint
      - exercise.response
    publishes: [ struggle.alert ]
    state: [ "progress:{user_id}", "streak:{user_id}" ]
`;
}
