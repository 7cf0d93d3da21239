// Support for test/e2e/learnflow-flow.test.ts: the LearnFlow platform exactly as
// `fastdapr init --preset learnflow` writes it, and its local Dapr files (dapr/local, dapr/config.yaml,
// what `dapr run -f .` uses) re-pointed at the harness's Redis and loopback name resolution.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { runCli } from "../../support/cli.js";
import { loopbackNameResolutionConfig } from "../harness/index.js";

export const SERVICES = ["triage-service", "concepts-service", "code-review-service", "debug-service", "exercise-service", "progress-service"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Learnflow {
  root: string;
  dir(service: ServiceName): string;
  /** the scaffolded system prompt of an agent service, as the service loads it (stripped) */
  systemPrompt(service: ServiceName): string;
  cleanup(): void;
}

/**
 * `fastdapr init learnflow --preset learnflow` in a temp folder; with `devPubsub: "kafka"` the
 * manifest's `defaults.pubsub.dev` is then switched to Kafka and the platform regenerated, as a
 * user would (dapr/local/pubsub.yaml becomes pubsub.kafka).
 */
export async function initLearnflow(options: { devPubsub?: "redis" | "kafka" } = {}): Promise<Learnflow> {
  const cwd = mkdtempSync(join(tmpdir(), "fastdapr-learnflow-e2e-"));
  const run = await runCli(["init", "learnflow", "--preset", "learnflow", "--json"], cwd);
  if (run.code !== 0) throw new Error(`fastdapr init failed: ${run.stdout}${run.stderr}`);
  const root = join(cwd, "learnflow");
  if (options.devPubsub === "kafka") {
    const manifest = join(root, "fastdapr.yaml");
    const text = readFileSync(manifest, "utf8");
    const switched = text.replace(/(\n {2}pubsub:\n(?: {4}.*\n)*? {4}dev: )redis/, "$1kafka");
    if (switched === text) throw new Error("defaults.pubsub.dev not found in the LearnFlow manifest");
    writeFileSync(manifest, switched);
    const regen = await runCli(["generate", "--json"], root);
    if (regen.code !== 0) throw new Error(`fastdapr generate failed: ${regen.stdout}${regen.stderr}`);
  }
  const dir = (service: ServiceName) => join(root, "services", service);
  return {
    root,
    dir,
    systemPrompt: (service) => readFileSync(join(dir(service), "app/agents/prompts/system.md"), "utf8").trim(),
    cleanup: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

type Doc = { kind?: string; spec?: { metadata?: { name: string; value?: string }[] } };

/** dapr/local/*.yaml with the Redis and Kafka addresses replaced by the harness's; nothing else changes */
export function localResources(root: string, hosts: { redis: string; kafka?: string }): Record<string, string> {
  const dir = join(root, "dapr", "local");
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const doc = parse(readFileSync(join(dir, name), "utf8")) as Doc;
    for (const item of doc.kind === "Component" ? (doc.spec?.metadata ?? []) : []) {
      if (item.name === "redisHost") item.value = hosts.redis;
      if (item.name === "brokers") {
        if (!hosts.kafka) throw new Error(`${name} needs Kafka`);
        item.value = hosts.kafka;
      }
    }
    files[name] = stringify(doc);
  }
  return files;
}

/** dapr/config.yaml, with name resolution to the sidecars on this machine (app id → internal gRPC port) */
export function localConfig(root: string, sidecars: Record<string, number>): string {
  const doc = parse(readFileSync(join(root, "dapr", "config.yaml"), "utf8")) as { spec: Record<string, unknown> };
  const loopback = parse(loopbackNameResolutionConfig(sidecars)) as { spec: { nameResolution: unknown } };
  doc.spec.nameResolution = loopback.spec.nameResolution;
  return stringify(doc);
}

/** the names and types of the platform's local components */
export function components(root: string): { pubsub: string; pubsubType: string; stateStore: string } {
  const read = (file: string) => parse(readFileSync(join(root, "dapr", "local", file), "utf8")) as { metadata: { name: string }; spec: { type: string } };
  const pubsub = read("pubsub.yaml");
  return { pubsub: pubsub.metadata.name, pubsubType: pubsub.spec.type, stateStore: read("statestore.yaml").metadata.name };
}
