// Manifest → PlatformModel: builds every service with buildServiceModel (so one service of a
// platform obeys exactly the rules of `fastdapr new`), fills in the topic payloads, then checks the
// rules that span services. Errors point at the manifest node that causes them.
import { platformObservability } from "./observability.js";
import { EXIT, FastdaprError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { buildServiceModel, type PlaceOf, type ServiceOptions, type TopicInput } from "../model/build-service.js";
import { givenText } from "../model/names.js";
import type { PayloadModel, ServiceModel } from "../model/service.js";
import type { PathSegment } from "../manifest/field-path.js";
import { noPositions, type Positions } from "../manifest/positions.js";
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

/** Where buildServiceModel's options live in a manifest service. */
function servicePlace(positions: Positions, service: string): PlaceOf {
  const paths: Partial<Record<keyof ServiceOptions, PathSegment[]>> = {
    name: ["services", service],
    tier: ["services", service, "tier"],
    port: ["services", service, "port"],
    subscribes: ["services", service, "subscribes"],
    publishes: ["services", service, "publishes"],
    stateKeys: ["services", service, "state"],
    invokes: ["services", service, "invokes"],
    pubsubName: ["defaults", "pubsub", "name"],
    stateStore: ["defaults", "stateStore", "name"],
    daprConfig: ["defaults", "daprConfig"],
    pythonVersion: ["defaults", "python"],
    agentBackend: ["services", service, "agent", "backend"],
    agentModel: ["services", service, "agent", "model"],
    conversationComponent: ["services", service, "agent", "conversationComponent"],
    historyMaxMessages: ["services", service, "agent", "historyMaxMessages"],
    historyMaxTokens: ["services", service, "agent", "historyMaxTokens"],
    historyTtlSeconds: ["services", service, "agent", "historyTtlSeconds"],
  };
  return (option, index) => {
    const path = paths[option] ?? ["services", service];
    return { location: positions.at(index === undefined ? path : [...path, index], { key: option === "name" }) };
  };
}

/** Records a platform-rule problem at a manifest path. */
type Report = (code: string, message: string, path: PathSegment[], hint?: string, key?: boolean) => void;

interface DeclaredTopic {
  description: string;
  payload: PayloadModel;
  schema: PayloadSchema | null;
}

/** The topics declared under `topics:`, each with its payload model (the name was checked by the schema's topicName). */
function declaredTopics(manifest: Manifest, positions: Positions): Map<string, DeclaredTopic> {
  const topics = new Map<string, DeclaredTopic>();
  for (const [name, entry] of Object.entries(manifest.topics)) {
    const description = givenText(entry.description) ?? `Payload of the ${name} event.`;
    const payload = payloadModel(name, description, entry.schema, (path, options) => positions.at(["topics", name, "schema", ...path], options));
    topics.set(name, { description, payload, schema: entry.schema ?? null });
  }
  return topics;
}

/** Every service's model, by the rules of `fastdapr new`; a topic a service uses must be declared (E_UNDECLARED_TOPIC). */
function serviceModels(manifest: Manifest, positions: Positions, topics: Map<string, DeclaredTopic>, problem: Report): ServiceModel[] {
  const d = manifest.defaults;
  const declared = [...topics.keys()];
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
        servicePlace(positions, name),
      ),
    );
  }
  return services;
}

/** Unique ports and app ids: the second occurrence is the error (E_DUPLICATE_PORT, E_DUPLICATE_APP_ID). */
function uniquePortsAndAppIds(services: ServiceModel[], problem: Report): void {
  const byPort = new Map<number, string>();
  const byAppId = new Map<string, string>();
  for (const svc of services) {
    const portOwner = byPort.get(svc.port);
    if (portOwner) {
      problem(
        "E_DUPLICATE_PORT",
        `services.${svc.name}.port: port ${svc.port} is already used by ${portOwner}`,
        ["services", svc.name, "port"],
        `pick a free port, e.g. ${Math.max(...byPort.keys()) + 1}`,
      );
    } else byPort.set(svc.port, svc.name);
    const idOwner = byAppId.get(svc.appId);
    if (idOwner) {
      problem("E_DUPLICATE_APP_ID", `services.${svc.name}: app id "${svc.appId}" is already used by ${idOwner}`, ["services", svc.name], undefined, true);
    } else byAppId.set(svc.appId, svc.name);
  }
}

/** One Dapr conversation component per name serves every service that names it, with one model (E_CONVERSATION_MODEL). */
function oneModelPerConversationComponent(services: ServiceModel[], problem: Report): void {
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
}

/** A service invokes only services of the platform (E_INVOKE_TARGET). */
function invokeTargetsExist(services: ServiceModel[], problem: Report): void {
  const serviceNames = services.map((s) => s.name);
  const appIds = new Set(services.map((s) => s.appId));
  for (const svc of services) {
    svc.invokes.forEach((call, index) => {
      if (!appIds.has(call.appId)) {
        problem(
          "E_INVOKE_TARGET",
          `services.${svc.name}.invokes[${index}]: "${call.appId}" is not a service of this platform`,
          ["services", svc.name, "invokes", index],
          serviceNames.length ? `${didYouMean(call.appId, serviceNames)}invoke one of: ${serviceNames.join(", ")}` : "add the service first",
        );
      }
    });
  }
}

/** Each declared topic with the services that publish and subscribe to it. */
function platformTopicsOf(topics: Map<string, DeclaredTopic>, services: ServiceModel[]): PlatformTopic[] {
  return [...topics].map(([name, t]) => ({
    name,
    description: t.description,
    payload: t.payload,
    schema: t.schema,
    publishers: services.filter((s) => s.publishes.some((x) => x.name === name)).map((s) => s.name),
    subscribers: services.filter((s) => s.subscribes.some((x) => x.name === name)).map((s) => s.name),
  }));
}

/** One-sided and unused topics: warnings, not errors (a platform may be built up one service at a time). */
function topicWarnings(services: ServiceModel[], platformTopics: PlatformTopic[], positions: Positions): Warning[] {
  const warnings: Warning[] = [];
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
  return warnings;
}

/**
 * Builds the typed platform from a validated manifest (see `parseManifest`/`loadManifest`).
 * Throws FastdaprError (exit 2) when one service is invalid, and PlatformError (exit 1) when the
 * platform's graph is not sound. Warnings (unused or one-sided topics) are in `warnings`.
 */
export function buildPlatform(manifest: Manifest, positions: Positions = noPositions()): PlatformModel {
  const problems: Problem[] = [];
  const problem: Report = (code, message, path, hint, key = false) => {
    problems.push({ code, message, location: positions.at(path, { key }), ...(hint ? { hint } : {}) });
  };
  const topics = declaredTopics(manifest, positions);
  const services = serviceModels(manifest, positions, topics, problem);
  // the rules that span services, each a function of the models; problems are listed in this order
  uniquePortsAndAppIds(services, problem);
  oneModelPerConversationComponent(services, problem);
  invokeTargetsExist(services, problem);
  const platformTopics = platformTopicsOf(topics, services);
  const warnings = topicWarnings(services, platformTopics, positions);

  if (problems.length > 0) throw new PlatformError(problems, warnings);

  const d = manifest.defaults;
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
