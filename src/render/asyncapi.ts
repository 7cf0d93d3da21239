// The platform's events as an AsyncAPI 3.0 document (asyncapi.yaml): one channel per topic with the
// topic's JSON Schema as the message payload, one send/receive operation per declared publish and
// subscribe, the dead-letter topics the subscribers' sidecars publish to, and one server per
// environment read from the pub/sub component generated for it, so the document cannot disagree
// with what Dapr is configured to use.
import type { PlatformModel, PlatformTopic } from "../platform/model.js";
import type { ServiceModel, TopicRef } from "../model/service.js";
import { type DaprComponent, metadataSecret, metadataValue } from "./dapr-types.js";

export const ASYNCAPI_FILE = "asyncapi.yaml";

/** The environments of a platform, each with its generated pub/sub Component object. */
export type PubsubByEnvironment = Record<"local" | "compose" | "dev" | "prod", DaprComponent>;

const ENVIRONMENTS: Record<keyof PubsubByEnvironment, { title: string; where: string }> = {
  local: { title: "This machine", where: "`dapr run -f .` with the broker on localhost (dapr/local/)" },
  compose: { title: "Docker Compose", where: "`docker compose up` (dapr/compose/)" },
  dev: { title: "Kubernetes dev", where: "the dev overlay (deploy/overlays/dev/)" },
  prod: { title: "Kubernetes prod", where: "the prod overlay (deploy/overlays/prod/)" },
};

/** The envelope Dapr puts around every payload (CloudEvents 1.0, structured mode). */
const ENVELOPE_SCHEMA = "DaprCloudEvent";

/** JSON Pointer segment escaping (RFC 6901), for $refs to map keys. */
function pointer(...segments: string[]): string {
  return `#/${segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

const ref = (...segments: string[]) => ({ $ref: pointer(...segments) });

/** An AsyncAPI server (and its security scheme, if any) from a generated pub/sub component. */
function server(env: keyof PubsubByEnvironment, component: DaprComponent): { server: Record<string, unknown>; scheme?: [string, Record<string, unknown>] } {
  const { spec } = component;
  const value = (name: string) => metadataValue(component, name);
  const { title, where } = ENVIRONMENTS[env];
  if (spec.type === "pubsub.redis") {
    return {
      server: {
        host: value("redisHost"),
        protocol: "redis",
        title,
        description: `Redis Streams (Dapr component \`${spec.type}\`), used by ${where}. One stream per topic; each app id reads with its own consumer group.`,
      },
    };
  }
  // pubsub.kafka: TLS is on for every authType except none, unless disableTls is set
  const authType = value("authType") ?? "none";
  const tls = authType !== "none" && value("disableTls") !== "true";
  const base = {
    host: value("brokers"),
    protocol: tls ? "kafka-secure" : "kafka",
    title,
    description: `Apache Kafka (Dapr component \`${spec.type}\`), used by ${where}. Each app id consumes with its own consumer group${tls ? "; TLS to the brokers" : ""}.`,
  };
  if (authType !== "password") return { server: base };
  const mechanism = value("saslMechanism") ?? "PLAINTEXT";
  const type = mechanism === "SHA-512" ? "scramSha512" : mechanism === "SHA-256" ? "scramSha256" : "plain";
  const secrets = ["saslUsername", "saslPassword"]
    .map((name) => metadataSecret(component, name))
    .filter((r) => r !== undefined)
    .map((r) => `${r.name}/${r.key}`);
  const schemeName = `${env}Sasl`;
  return {
    server: { ...base, security: [ref("components", "securitySchemes", schemeName)] },
    scheme: [
      schemeName,
      {
        type,
        description: `SASL ${mechanism === "PLAINTEXT" ? "PLAIN" : `SCRAM-${mechanism}`}${tls ? " over TLS" : ""}; the Dapr sidecar reads the credentials from the Secret${secrets.length ? ` keys ${secrets.join(", ")}` : "s"}, the apps never see them.`,
      },
    ],
  };
}

/** The message of one topic: the payload is the topic's schema, the envelope is described around it. */
function message(t: PlatformTopic): Record<string, unknown> {
  return {
    name: t.payload.className,
    title: t.name,
    summary: t.description,
    description:
      `${t.description}\n\nThe payload is the \`data\` of the CloudEvents 1.0 envelope Dapr wraps around it ` +
      `(components.schemas.${ENVELOPE_SCHEMA}); generated code validates it with the pydantic model ${t.payload.className}.`,
    contentType: "application/json",
    payload: t.schema ?? { type: "object", description: "Any JSON object: the topic declares no schema." },
    // not a message trait: the parser applies traits as a JSON merge patch, which deletes every
    // `null` inside the payload schema (e.g. `default: null`)
    tags: [{ name: "cloudevents", description: "Wrapped by Dapr in a CloudEvents 1.0 envelope (structured mode)." }],
    externalDocs: {
      description: "Dapr: messages with CloudEvents",
      url: "https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/",
    },
  };
}

function envelopeSchema(): Record<string, unknown> {
  const str = (description: string) => ({ type: "string", description });
  return {
    type: "object",
    description:
      "What is on the broker and what a subscriber receives (POST to its route, Content-Type application/cloudevents+json): " +
      "the CloudEvents 1.0 envelope Dapr builds around the published payload.",
    required: ["id", "source", "type", "specversion", "datacontenttype", "data", "topic", "pubsubname"],
    properties: {
      id: str("Random UUID per publish; at-least-once delivery, so handlers deduplicate on it."),
      source: str("The publisher's app id."),
      type: { type: "string", const: "com.dapr.event.sent" },
      specversion: { type: "string", const: "1.0" },
      datacontenttype: { type: "string", const: "application/json", description: "The Content-Type the publisher sent." },
      data: { description: "The message payload (the topic's schema)." },
      topic: str("The topic name."),
      pubsubname: str("The Dapr pub/sub component name."),
      time: { type: "string", format: "date-time", description: "Publish time." },
      traceid: str("W3C trace context (same as traceparent)."),
      traceparent: str("W3C traceparent."),
      tracestate: str("W3C tracestate."),
    },
  };
}

const publishId = (svc: ServiceModel, t: TopicRef) => `${svc.name}.publish.${t.name}`;
const subscribeId = (svc: ServiceModel, t: TopicRef) => `${svc.name}.subscribe.${t.name}`;
const deadLetterId = (svc: ServiceModel, t: TopicRef) => `${svc.name}.dead-letter.${t.name}`;

/** The AsyncAPI 3.0 document of a platform, as a plain object (serialise with toYaml). */
export function asyncApiDocument(p: PlatformModel, pubsub: PubsubByEnvironment): Record<string, unknown> {
  const pubsubName = p.defaults.pubsub.name;
  const servers: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = {};
  for (const env of Object.keys(ENVIRONMENTS) as (keyof PubsubByEnvironment)[]) {
    const s = server(env, pubsub[env]);
    servers[env] = s.server;
    if (s.scheme) securitySchemes[s.scheme[0]] = s.scheme[1];
  }

  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const messageRef = (t: PlatformTopic) => ({ [t.payload.className]: ref("components", "messages", t.payload.className) });
  for (const t of p.topics) {
    messages[t.payload.className] = message(t);
    channels[t.name] = { address: t.name, title: t.name, description: t.description, messages: messageRef(t) };
  }
  // dead-letter topics, in topic order: one per topic somebody subscribes to (every subscription
  // of a topic names the same one, TopicRef.deadLetterTopic)
  const deadLetters = new Map<string, PlatformTopic>();
  for (const t of p.topics) {
    for (const svc of p.services) {
      const sub = svc.subscribes.find((x) => x.name === t.name);
      if (sub) deadLetters.set(sub.deadLetterTopic, t);
    }
  }
  for (const [address, t] of deadLetters) {
    channels[address] = {
      address,
      title: address,
      description:
        `Dead-letter topic of ${t.name}: a subscriber's Dapr sidecar publishes the original event here (the same envelope, whose \`topic\` still says ${t.name}) ` +
        "when delivery still fails after the pubsubRetry resiliency policy, or when the handler answers DROP. " +
        "No service subscribes to it: consume it to inspect or replay failed events.",
      messages: messageRef(t),
    };
  }

  const operations: Record<string, unknown> = {};
  const channelMessage = (channel: string, t: TopicRef) => ref("channels", channel, "messages", t.payload.className);
  for (const svc of p.services) {
    const who = { "x-dapr-app-id": svc.appId, tags: [{ name: svc.name }] };
    for (const t of svc.publishes) {
      operations[publishId(svc, t)] = {
        action: "send",
        channel: ref("channels", t.name),
        title: `${svc.name} publishes ${t.name}`,
        description: `POST /v1.0/publish/${pubsubName}/${t.name} on the app's sidecar (Content-Type application/json); Dapr adds the envelope.`,
        messages: [channelMessage(t.name, t)],
        ...who,
      };
    }
    for (const t of svc.subscribes) {
      operations[subscribeId(svc, t)] = {
        action: "receive",
        channel: ref("channels", t.name),
        title: `${svc.name} subscribes to ${t.name}`,
        description:
          `The sidecar delivers each event to POST ${t.route} on the app as a CloudEvent (application/cloudevents+json); ` +
          `the handler's {"status": "SUCCESS" | "RETRY" | "DROP"} decides between done, redelivery and the dead-letter topic ${t.deadLetterTopic}.`,
        messages: [channelMessage(t.name, t)],
        // Dapr leaves consumerGroup unset, so the consumer group is the app id: every app gets its
        // own copy of each event, and replicas of one app share the work
        bindings: { kafka: { groupId: { type: "string", enum: [svc.appId] }, bindingVersion: "0.5.0" } },
        "x-dapr-route": t.route,
        "x-dapr-dead-letter-topic": t.deadLetterTopic,
        ...who,
      };
      operations[deadLetterId(svc, t)] = {
        action: "send",
        channel: ref("channels", t.deadLetterTopic),
        title: `${svc.name}'s sidecar dead-letters ${t.name}`,
        description: `Sent by the Dapr sidecar of ${svc.appId}, not by the app: an event of ${t.name} it could not deliver.`,
        messages: [channelMessage(t.deadLetterTopic, t)],
        ...who,
      };
    }
  }

  return {
    asyncapi: "3.0.0",
    info: {
      title: p.name,
      version: p.defaults.imageTag,
      description:
        `${p.description}\n\nThe events of the ${p.name} platform, generated by fastdapr from fastdapr.yaml. ` +
        `Services publish and subscribe through their Dapr sidecars on the pub/sub component \`${pubsubName}\`; ` +
        `on the broker every payload travels inside a CloudEvents 1.0 envelope (components.schemas.${ENVELOPE_SCHEMA}).`,
      "x-dapr-pubsub": pubsubName,
    },
    defaultContentType: "application/json",
    servers,
    channels,
    operations,
    components: {
      schemas: { [ENVELOPE_SCHEMA]: envelopeSchema() },
      messages,
      ...(Object.keys(securitySchemes).length ? { securitySchemes } : {}),
    },
  };
}
