// The platform topology: services, topics with their publish/subscribe edges, and service
// invocations, as a compact JSON object and as a Mermaid flowchart. Ordering is stable: services
// and topics in manifest order, edges in service order then list order.
import type { Tier } from "../model/service.js";
import type { PlatformModel } from "./model.js";

export interface PlatformGraph {
  services: { name: string; tier: Tier; port: number; agent: boolean; public: boolean }[];
  topics: { name: string; publishers: string[]; subscribers: string[] }[];
  invocations: { from: string; to: string }[];
}

/** The topology as plain JSON (what `fastdapr graph --format json` prints). */
export function platformGraph(platform: PlatformModel): PlatformGraph {
  return {
    services: platform.services.map((s) => ({
      name: s.name,
      tier: s.tier,
      port: s.port,
      agent: s.agent !== null,
      public: s.public,
    })),
    topics: platform.topics.map((t) => ({ name: t.name, publishers: [...t.publishers], subscribers: [...t.subscribers] })),
    invocations: platform.services.flatMap((s) => s.invokes.map((i) => ({ from: s.name, to: i.appId }))),
  };
}

/** Mermaid ids: a prefix per kind (so "end" or a digit never starts one) and only [A-Za-z0-9_]. */
function idMaker(): (prefix: string, name: string) => string {
  const taken = new Map<string, string>();
  const used = new Set<string>();
  return (prefix, name) => {
    const key = `${prefix}:${name}`;
    const known = taken.get(key);
    if (known) return known;
    const stem = `${prefix}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
    let id = stem;
    for (let n = 2; used.has(id); n++) id = `${stem}_${n}`;
    used.add(id);
    taken.set(key, id);
    return id;
  };
}

/**
 * The topology as a Mermaid `flowchart LR`: services are boxes (label: name, tier and port), topics
 * are stadiums, `service --> topic` publishes, `topic --> service` delivers, dotted
 * `-. invoke .->` arrows are service invocations, and a `clients` circle points at the public
 * services (the ones the ingress controller may reach).
 */
export function mermaidGraph(platform: PlatformModel): string {
  const graph = platformGraph(platform);
  const id = idMaker();
  const lines = ["flowchart LR"];
  for (const s of graph.services) {
    lines.push(`  ${id("svc", s.name)}["${s.name}<br/>${s.tier} :${s.port}${s.agent ? " (agent)" : ""}"]`);
  }
  for (const t of graph.topics) lines.push(`  ${id("topic", t.name)}(["${t.name}"])`);
  for (const s of platform.services) {
    for (const t of s.publishes) lines.push(`  ${id("svc", s.name)} --> ${id("topic", t.name)}`);
  }
  for (const s of platform.services) {
    for (const t of s.subscribes) lines.push(`  ${id("topic", t.name)} --> ${id("svc", s.name)}`);
  }
  for (const call of graph.invocations) lines.push(`  ${id("svc", call.from)} -. invoke .-> ${id("svc", call.to)}`);
  const entries = graph.services.filter((s) => s.public);
  if (entries.length > 0) {
    const clients = id("ext", "clients");
    lines.push(`  ${clients}(("clients"))`);
    for (const s of entries) lines.push(`  ${clients} -- HTTP --> ${id("svc", s.name)}`);
  }
  return `${lines.join("\n")}\n`;
}
