// The platform's generated pub/sub component on real daprd and Redis, scoping metadata exactly as
// rendered: an app may not publish a topic it does not declare, and a subscriber's sidecar may
// still publish what its app dropped to the dead-letter topic (Dapr checks that publish against
// publishingScopes too). The apps are plain HTTP servers: this is about the Dapr resources.
import { after, it } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { fetchT, json, runCase, stopAll, waitFor, writeResources } from "./harness/index.js";
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { renderPlatform } from "../../src/render/platform.js";
import { toYaml } from "../../src/render/yaml.js";
import { Tree } from "../../src/tree/tree.js";

after(async () => {
  await stopAll();
});

const MANIFEST = `apiVersion: fastdapr/v1
name: shop
defaults:
  pubsub: { name: events, dev: redis, prod: kafka }
topics:
  orders.created:
    schema: { type: object, properties: { order_id: { type: string } } }
  orders.audited: {}
services:
  orders-service:
    port: 8001
    publishes: [ orders.created ]
  stock-service:
    port: 8002
    subscribes: [ orders.created ]
`;

interface Component {
  metadata: { name: string };
  spec: { metadata: { name: string; value?: string }[] };
  scopes?: string[];
}

it("generated pub/sub scoping: undeclared publishes are refused, a subscriber's sidecar may dead-letter", async () => {
  await runCase("platform pub/sub scoping", 120_000, async (s) => {
    const loaded = parseManifest(MANIFEST);
    const platform = buildPlatform(loaded.manifest, loaded.positions);
    const tree = new Tree();
    renderPlatform(platform, tree);
    const generated = parseYaml(tree.get("dapr/local/pubsub.yaml")!.content) as Component;
    const stock = platform.services.find((x) => x.name === "stock-service")!;
    const topic = stock.subscribes[0]!;

    const redis = await s.redis();
    const host = { name: "redisHost", value: `127.0.0.1:${redis.port}` };
    const withHost = (c: Component): Component => ({
      ...c,
      spec: { ...c.spec, metadata: c.spec.metadata.map((m) => (m.name === "redisHost" ? host : m)) },
    });
    const resources = writeResources("scoping-res", { "pubsub.yaml": toYaml(withHost(generated)) });
    // the watcher is not a service of the platform: same component, without scopes or scoping
    const open: Component = {
      ...generated,
      spec: { ...generated.spec, metadata: generated.spec.metadata.filter((m) => !m.name.endsWith("Scopes")) },
    };
    delete open.scopes;
    const watcherResources = writeResources("scoping-watcher-res", { "pubsub.yaml": toYaml(withHost(open)) });
    const pubsub = generated.metadata.name;

    // stock-service's app declares the subscription the generated code declares, and drops every event
    const stockApp = await s.httpApp({
      "GET /dapr/subscribe": (_q, res) => json(res, 200, [{ pubsubname: pubsub, topic: topic.name, route: topic.route, deadLetterTopic: topic.deadLetterTopic, metadata: {} }]),
      [`POST ${topic.route}`]: (_q, res) => json(res, 200, { status: "DROP" }),
    });
    const watcher = await s.httpApp({
      "GET /dapr/subscribe": (_q, res) => json(res, 200, [{ pubsubname: pubsub, topic: topic.deadLetterTopic, route: "/dead" }]),
      "POST /dead": (_q, res) => json(res, 200, { status: "SUCCESS" }),
    });
    const stockDapr = await s.daprd({ appId: stock.appId, appPort: stockApp.port, resourcesPath: resources });
    const watcherDapr = await s.daprd({ appId: "dlq-watcher", appPort: watcher.port, resourcesPath: watcherResources });
    const orders = await s.daprd({ appId: "orders-service", resourcesPath: resources });

    const publish = (t: string, body: unknown) =>
      fetchT(`${orders.url}/v1.0/publish/${pubsub}/${t}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const refused = await publish("orders.audited", { id: "a-1" });
    assert.equal(refused.status, 403, "orders-service does not declare orders.audited");
    assert.match(await refused.text(), /ERR_PUBSUB_FORBIDDEN/);

    for (const [d, t] of [
      [stockDapr, topic.name],
      [watcherDapr, topic.deadLetterTopic],
    ] as const) {
      await waitFor(`${d.appId} subscribed to ${t}`, async () => {
        const meta = (await (await fetchT(`${d.url}/v1.0/metadata`)).json()) as { subscriptions?: { topic: string }[] };
        return (meta.subscriptions ?? []).some((x) => x.topic === t);
      });
    }
    const r = await publish(topic.name, { order_id: "o-1" });
    assert.equal(r.status, 204, await r.text());
    await waitFor("stock-service got the event", () => stockApp.requests.some((q) => q.path === topic.route), { timeoutMs: 30_000 });
    await waitFor("the dead letter", () => watcher.requests.some((q) => q.path === "/dead"), { timeoutMs: 30_000 });
    const dead = watcher.requests.filter((q) => q.path === "/dead").map((q) => JSON.parse(q.body) as { data: unknown; topic: string });
    // the original CloudEvent, unchanged: its `topic` still names the topic it was published to
    assert.deepEqual(
      dead.map((d) => [d.topic, d.data]),
      [[topic.name, { order_id: "o-1" }]],
    );
  });
});
