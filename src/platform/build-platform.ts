// Manifest → PlatformModel: builds every service with buildServiceModel (so one service of a
// platform obeys exactly the rules of `fastdapr new`), fills in the topic payloads, then checks the
// rules that span services. Errors point at the manifest node that causes them.
import { platformObservability } from "./observability.js";
import { EXIT, FastdaprError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { buildServiceModel, type LocationOf, type TopicInput } from "../model/build-service.js";
import { givenText } from "../model/names.js";
import type { PayloadModel, ServiceModel } from "../model/service.js";
import { noPositions, type PathSegment, type Positions } from "../manifest/load.js";
import { payloadModel } from "../manifest/payload.js";
import type { Manifest, PayloadSchema } from "../manifest/schema.js";
import type { PlatformModel, PlatformTopic, Warning } from "./model.js";

/** A platform-rule problem: a warning's shape plus an optional hint for the fix. */
export interface Problem extends Warning {
  hint?: string;
}

/**
 * The cross-service rules failed (duplicate port, undeclared topic, unknown invoke target…).
 * Exit code 1, like any failed check; `problems` lists every one, in manifest order.
 */
export class PlatformError extends FastdaprError {
  declare readonly problems: Problem[];
  readonly warnings: Warning[];

  constructor(problems: Problem[], warnings: Warning[]) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    super(first.code, `${first.message}${more}`, {
      location: first.location,
      exitCode: EXIT.checkFailed,
      ...(first.hint ? { hint: first.hint } : {}),
      problems,
    });
    this.name = "PlatformError";
    this.warnings = warnings;
  }
}

/** Where buildServiceModel's option names live in a manifest service. */
function serviceLocation(positions: Positions, service: string): LocationOf {
  const paths: Record<string, PathSegment[]> = {
    name: ["services", service],
    tier: ["services", service, "tier"],
    port: ["services", service, "port"],
    subscribe: ["services", service, "subscribes"],
    publish: ["services", service, "publishes"],
    "state-key": ["services", service, "state"],
    invoke: ["services", service, "invokes"],
    pubsub: ["defaults", "pubsub", "name"],
    "state-store": ["defaults", "stateStore", "name"],
    config: ["defaults", "daprConfig"],
    python: ["defaults", "python"],
    "agent-backend": ["services", service, "agent", "backend"],
    "agent-model": ["services", service, "agent", "model"],
    "conversation-component": ["services", service, "agent", "conversationComponent"],
    "history-max-messages": ["services", service, "agent", "historyMaxMessages"],
    "history-max-tokens": ["services", service, "agent", "historyMaxTokens"],
    "history-ttl-seconds": ["services", service, "agent", "historyTtlSeconds"],
  };
  return (option, index) => {
    const path = paths[option] ?? ["services", service];
    return positions.at(index === undefined ? path : [...path, index], { key: option === "name" });
  };
}

/**
 * Builds the typed platform from a validated manifest (see `parseManifest`/`loadManifest`).
 * Throws FastdaprError (exit 2) when one service is invalid, and PlatformError (exit 1) when the
 * platform's graph is not sound. Warnings (unused or one-sided topics) are in `warnings`.
 */
export function buildPlatform(manifest: Manifest, positions: Positions = noPositions()): PlatformModel {
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  const problem = (code: string, message: string, path: PathSegment[], hint?: string, key = false): void => {
    problems.push({ code, message, location: positions.at(path, { key }), ...(hint ? { hint } : {}) });
  };
  const d = manifest.defaults;

  const topics = new Map<string, { description: string; payload: PayloadModel; schema: PayloadSchema | null }>();
  for (const [name, entry] of Object.entries(manifest.topics)) {
    // the name was checked by the manifest schema (topicName), which runs the same TOPIC_PATTERN
    const description = givenText(entry.description) ?? `Payload of the ${name} event.`;
    const payload = payloadModel(name, description, entry.schema, (path, options) =>
      positions.at(["topics", name, "schema", ...path], options),
    );
    topics.set(name, { description, payload, schema: entry.schema ?? null });
  }
  const declared = [...topics.keys()];
  const serviceNames = Object.keys(manifest.services);

  const services: ServiceModel[] = [];
  for (const [name, entry] of Object.entries(manifest.services)) {
    const topicInputs = (list: string[], field: "subscribes" | "publishes"): TopicInput[] =>
      list.map((topic, index) => {
        const known = topics.get(topic);
        if (!known) {
          problem(
            "E_UNDECLARED_TOPIC",
            `services.${name}.${field}[${index}]: topic "${topic}" is not declared under topics`,
            ["services", name, field, index],
            declared.length ? `declare it under topics:, or use one of: ${declared.join(", ")}` : "declare it under topics:",
          );
          return { name: topic };
        }
        return { name: topic, description: known.description, payload: known.payload };
      });
    const agent = entry.agent;
    services.push(
      buildServiceModel(
        {
          name,
          ...(entry.description !== undefined ? { description: entry.description } : {}),
          tier: entry.tier,
          port: entry.port,
          public: entry.public,
          subscribes: topicInputs(entry.subscribes, "subscribes"),
          publishes: topicInputs(entry.publishes, "publishes"),
          stateKeys: entry.state,
          invokes: entry.invokes,
          ...(agent === undefined ? {} : { agent: agent !== false }),
          ...(typeof agent === "object"
            ? {
                agentBackend: agent.backend,
                agentModel: agent.model,
                ...(agent.conversationComponent !== undefined ? { conversationComponent: agent.conversationComponent } : {}),
                ...(agent.historyMaxMessages !== undefined ? { historyMaxMessages: agent.historyMaxMessages } : {}),
                ...(agent.historyMaxTokens !== undefined ? { historyMaxTokens: agent.historyMaxTokens } : {}),
                ...(agent.historyTtlSeconds !== undefined ? { historyTtlSeconds: agent.historyTtlSeconds } : {}),
                ...(agent.systemPrompt !== undefined ? { systemPrompt: agent.systemPrompt } : {}),
              }
            : {}),
          pubsubName: d.pubsub.name,
          stateStore: d.stateStore.name,
          daprConfig: d.daprConfig,
          imageRegistry: d.imageRegistry,
          imageTag: d.imageTag,
          pythonVersion: d.python,
          namespace: manifest.namespace ?? manifest.name,
          platform: manifest.name,
        },
        serviceLocation(positions, name),
      ),
    );
  }

  // unique app ids and ports: the second occurrence is the error
  const byPort = new Map<number, string>();
  const byAppId = new Map<string, string>();
  for (const svc of services) {
    const portOwner = byPort.get(svc.port);
    if (portOwner) {
      problem("E_DUPLICATE_PORT", `services.${svc.name}.port: port ${svc.port} is already used by ${portOwner}`, ["services", svc.name, "port"], `pick a free port, e.g. ${Math.max(...byPort.keys()) + 1}`);
    } else byPort.set(svc.port, svc.name);
    const idOwner = byAppId.get(svc.appId);
    if (idOwner) {
      problem("E_DUPLICATE_APP_ID", `services.${svc.name}: app id "${svc.appId}" is already used by ${idOwner}`, ["services", svc.name], undefined, true);
    } else byAppId.set(svc.appId, svc.name);
  }

  // one Dapr conversation component per name serves every service that names it, with one model
  const byComponent = new Map<string, ServiceModel>();
  for (const svc of services) {
    if (svc.agent?.backend !== "dapr-conversation") continue;
    const first = byComponent.get(svc.agent.conversationComponent);
    if (!first) byComponent.set(svc.agent.conversationComponent, svc);
    else if (first.agent!.model !== svc.agent.model) {
      problem(
        "E_CONVERSATION_MODEL",
        `services.${svc.name}.agent: conversation component "${svc.agent.conversationComponent}" already serves ${first.name} with model ${first.agent!.model}, not ${svc.agent.model}`,
        ["services", svc.name, "agent"],
        "use the same model, or give this agent its own conversationComponent",
      );
    }
  }

  for (const svc of services) {
    svc.invokes.forEach((call, index) => {
      if (!byAppId.has(call.appId)) {
        problem(
          "E_INVOKE_TARGET",
          `services.${svc.name}.invokes[${index}]: "${call.appId}" is not a service of this platform`,
          ["services", svc.name, "invokes", index],
          serviceNames.length ? `${didYouMean(call.appId, serviceNames)}invoke one of: ${serviceNames.join(", ")}` : "add the service first",
        );
      }
    });
  }

  const platformTopics: PlatformTopic[] = [...topics].map(([name, t]) => ({
    name,
    description: t.description,
    payload: t.payload,
    schema: t.schema,
    publishers: services.filter((s) => s.publishes.some((x) => x.name === name)).map((s) => s.name),
    subscribers: services.filter((s) => s.subscribes.some((x) => x.name === name)).map((s) => s.name),
  }));
  const byTopic = new Map(platformTopics.map((t) => [t.name, t]));
  for (const svc of services) {
    svc.subscribes.forEach((t, index) => {
      const info = byTopic.get(t.name);
      if (info && info.publishers.length === 0) {
        warnings.push({
          code: "W_NO_PUBLISHER",
          message: `services.${svc.name}.subscribes[${index}]: no service publishes "${t.name}"`,
          location: positions.at(["services", svc.name, "subscribes", index]),
        });
      }
    });
    svc.publishes.forEach((t, index) => {
      const info = byTopic.get(t.name);
      if (info && info.subscribers.length === 0) {
        warnings.push({
          code: "W_NO_SUBSCRIBER",
          message: `services.${svc.name}.publishes[${index}]: no service subscribes to "${t.name}"`,
          location: positions.at(["services", svc.name, "publishes", index]),
        });
      }
    });
  }
  for (const t of platformTopics) {
    if (t.publishers.length === 0 && t.subscribers.length === 0) {
      warnings.push({
        code: "W_UNUSED_TOPIC",
        message: `topics["${t.name}"]: no service publishes or subscribes to it`,
        location: positions.at(["topics", t.name], { key: true }),
      });
    }
  }

  if (problems.length > 0) throw new PlatformError(problems, warnings);

  return {
    name: manifest.name,
    namespace: manifest.namespace ?? manifest.name,
    description: givenText(manifest.description) ?? `The ${manifest.name} platform.`,
    preset: manifest.preset ?? null,
    defaults: {
      pythonVersion: d.python,
      imageRegistry: d.imageRegistry,
      imageTag: d.imageTag,
      pubsub: { ...d.pubsub },
      stateStore: { ...d.stateStore },
      daprConfig: d.daprConfig,
    },
    observability: platformObservability(manifest.observability),
    topics: platformTopics,
    services,
    warnings,
  };
}
