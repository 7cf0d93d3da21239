// Every shape of generated Python the manifest allows, in one tree: the sample services (every
// tier and capability) on every Python version, each tier with and without an agent and with both
// agent backends, every name at its longest, seeded random names and descriptions, and the
// presets as whole platforms. The format test (test/generated/format-clean.test.ts) checks that
// each .py file in it is already what `ruff format` writes and clean under `ruff check`, since
// generation no longer runs a formatter (src/render/python-app.ts).
import { buildServiceModel, type ServiceOptions, type TopicInput } from "../../src/model/build-service.js";
import { pascalCase } from "../../src/model/names.js";
import { MAX_AGENT_MODEL_LENGTH, MAX_APP_ID_LENGTH, MAX_DESCRIPTION_LENGTH, MAX_PROPERTY_NAME_LENGTH, MAX_STATE_KEY_LENGTH, MAX_TOPIC_LENGTH } from "../../src/model/rules.js";
import { AGENT_BACKENDS, TIERS, type PayloadField, type PayloadModel } from "../../src/model/service.js";
import { renderService } from "../../src/render/service.js";
import { PRESETS, PRESET_NAMES } from "../../src/manifest/presets/index.js";
import { Tree } from "../../src/tree/tree.js";
import { PYTHON_VERSIONS } from "../../src/versions.js";
import { SAMPLE_SERVICES } from "./samples.js";
import { seeded } from "./seeded.js";
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { renderPlatform } from "../../src/render/platform.js";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const ALNUM = `${LOWER}0123456789`;

/** A random string of `length` from `alphabet`, with hyphens inside (never first, last or doubled) when `hyphens`. */
function word(next: () => number, length: number, first = LOWER, hyphens = true): string {
  let out = first[Math.floor(next() * first.length)]!;
  while (out.length < length) {
    const hyphen = hyphens && out.length < length - 1 && !out.endsWith("-") && next() < 0.15;
    out += hyphen ? "-" : ALNUM[Math.floor(next() * ALNUM.length)]!;
  }
  return out;
}

/** A service name of exactly `length` characters (a DNS label starting with a letter). */
export const serviceNameOf = (next: () => number, length: number) => word(next, length);

/** A domain.action topic of exactly `length` characters. */
export function topicOf(next: () => number, length: number): string {
  const domain = Math.max(1, Math.floor(next() * (length - 2)));
  return `${word(next, domain)}.${word(next, length - 1 - domain)}`;
}

/** A state-key pattern of exactly `length` characters: a head and `{placeholder}` parts. */
export function stateKeyOf(next: () => number, length: number): string {
  const parts: string[] = [];
  let key = word(next, Math.max(1, Math.floor(next() * 20)), LOWER, false);
  while (key.length < length) {
    const room = length - key.length - 3; // ":{" + "}"
    if (room < 1) {
      key += "x".repeat(length - key.length);
      break;
    }
    const name = `${word(next, Math.min(room, 1 + Math.floor(next() * 40)), LOWER, false)}_${parts.length}`.slice(0, room);
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || parts.includes(name)) {
      key += ":x";
      continue;
    }
    parts.push(name);
    key += `:{${name}}`;
  }
  return key.slice(0, length);
}

/** Free text a description may hold: words, punctuation, quotes, a line break, non-ASCII letters. */
export function descriptionOf(next: () => number, length: number): string {
  const pieces = ["the", "service", "handles", "learner's", '"quoted"', "naïve", "漢字", "—", "(see docs)", "\n", "x".repeat(30), "a, b; c."];
  let out = "";
  while (out.length < length) out += `${pieces[Math.floor(next() * pieces.length)]!} `;
  return out.slice(0, length).trim() || "x";
}

/** A payload of long fields: names and aliases at their longest, long descriptions, optional ones with defaults. */
function longPayload(next: () => number, topic: string): PayloadModel {
  const identifier = (length: number) => word(next, length, LOWER, false);
  const fields: PayloadField[] = [
    { name: identifier(MAX_PROPERTY_NAME_LENGTH), alias: null, pyType: "str", required: true, description: null, defaultRepr: null, example: '"example"' },
    {
      name: identifier(40),
      alias: `${identifier(MAX_PROPERTY_NAME_LENGTH - 1)}X`,
      pyType: "int",
      required: true,
      description: descriptionOf(next, MAX_DESCRIPTION_LENGTH).replace(/[^ -~]/g, "x"),
      defaultRepr: null,
      example: "1",
    },
    { name: "note", alias: null, pyType: "str | None", required: false, description: descriptionOf(next, 60).replace(/[^ -~]/g, "x"), defaultRepr: "None", example: "None" },
    { name: identifier(70), alias: null, pyType: "list[str]", required: false, description: null, defaultRepr: "[]", example: "[]" },
  ];
  return { className: pascalCase(topic), description: descriptionOf(next, MAX_DESCRIPTION_LENGTH), open: false, fields };
}

/** The longest value of every name a service's Python carries. */
function longestNames(next: () => number, tier: string, agentBackend: (typeof AGENT_BACKENDS)[number]): ServiceOptions {
  const topics = (n: number): TopicInput[] =>
    Array.from({ length: n }, (_, i) => {
      const name = topicOf(next, MAX_TOPIC_LENGTH - i);
      return { name, description: descriptionOf(next, MAX_DESCRIPTION_LENGTH), ...(i === 0 ? { payload: longPayload(next, name) } : {}) };
    });
  return {
    name: serviceNameOf(next, MAX_APP_ID_LENGTH),
    description: descriptionOf(next, MAX_DESCRIPTION_LENGTH),
    tier,
    public: true,
    agentBackend,
    agentModel: word(next, MAX_AGENT_MODEL_LENGTH, ALNUM),
    conversationComponent: word(next, 63, LOWER),
    pubsubName: word(next, 63, LOWER),
    stateStore: word(next, 63, LOWER),
    daprConfig: word(next, 63, LOWER),
    subscribes: topics(2),
    publishes: topics(2),
    stateKeys: [stateKeyOf(next, MAX_STATE_KEY_LENGTH), stateKeyOf(next, MAX_STATE_KEY_LENGTH - 1), `${word(next, 10, LOWER, false)}:{id}`],
    invokes: [serviceNameOf(next, MAX_APP_ID_LENGTH), serviceNameOf(next, MAX_APP_ID_LENGTH - 1)],
    systemPrompt: descriptionOf(next, 2000),
    historyMaxMessages: 1_000_000_000,
    historyMaxTokens: 1_000_000_000_000,
    historyTtlSeconds: 1_000_000_000_000,
  };
}

/** A service with random names of random lengths (1 to the maximum) and random descriptions. */
function randomService(next: () => number, index: number): ServiceOptions {
  const length = (max: number, min = 1) => min + Math.floor(next() * (max - min + 1));
  const topics = (n: number): TopicInput[] =>
    Array.from({ length: n }, () => ({ name: topicOf(next, length(MAX_TOPIC_LENGTH, 3)), description: descriptionOf(next, length(MAX_DESCRIPTION_LENGTH)) }));
  return {
    name: serviceNameOf(next, length(MAX_APP_ID_LENGTH)),
    description: descriptionOf(next, length(MAX_DESCRIPTION_LENGTH)),
    tier: TIERS[index % TIERS.length],
    agent: next() < 0.5,
    agentBackend: AGENT_BACKENDS[index % AGENT_BACKENDS.length],
    agentModel: word(next, length(MAX_AGENT_MODEL_LENGTH), ALNUM),
    conversationComponent: word(next, length(63), LOWER),
    pubsubName: word(next, length(63), LOWER),
    stateStore: word(next, length(63), LOWER),
    subscribes: topics(length(3, 0)),
    publishes: topics(length(3, 0)),
    stateKeys: Array.from({ length: length(3, 0) }, (_, i) => `${stateKeyOf(next, length(MAX_STATE_KEY_LENGTH, 4))}${i}`),
    invokes: Array.from({ length: length(3, 0) }, () => serviceNameOf(next, length(MAX_APP_ID_LENGTH))),
    historyMaxMessages: length(1_000_000),
    pythonVersion: PYTHON_VERSIONS[index % PYTHON_VERSIONS.length],
  };
}

/** Every service option set of the corpus, each with a distinct folder name. */
export function corpusServices(randomCount = 24): [string, ServiceOptions][] {
  const next = seeded(15);
  const out: [string, ServiceOptions][] = [];
  for (const version of PYTHON_VERSIONS) {
    for (const options of SAMPLE_SERVICES) out.push([`samples-${version}/${options.name}`, { ...options, pythonVersion: version }]);
  }
  for (const tier of TIERS) {
    for (const agent of [false, true]) {
      for (const backend of AGENT_BACKENDS) {
        if (!agent && backend !== AGENT_BACKENDS[0]) continue;
        const base = { tier, agent, agentBackend: backend };
        out.push([`tiers/${tier}-${agent ? backend : "plain"}`, { name: "s", ...base }]);
        out.push([`tiers/${tier}-${agent ? backend : "plain"}-full`, { ...SAMPLE_SERVICES[1]!, ...base, name: "tier-service" }]);
        out.push([`longest/${tier}-${agent ? backend : "plain"}`, { ...longestNames(next, tier, backend), agent }]);
      }
    }
  }
  for (let i = 0; i < randomCount; i++) out.push([`random/${i}`, randomService(next, i)]);
  // a service that is not an agent names no agent setting (the model refuses that: E_AGENT_FLAGS)
  return out.map(([label, options]) => [label, options.agent === false ? withoutAgentSettings(options) : options]);
}

function withoutAgentSettings({ agentBackend, agentModel, conversationComponent, ...rest }: ServiceOptions): ServiceOptions {
  return rest;
}

/** The whole corpus as one tree: services under services/<label>/, presets under presets/<name>/. */
export function formatCorpus(randomCount?: number): Tree {
  const tree = new Tree();
  for (const [label, options] of corpusServices(randomCount)) renderService(buildServiceModel(options), tree.scope(`services/${label}`));
  for (const name of PRESET_NAMES) {
    const loaded = parseManifest(PRESETS[name]({ name }));
    renderPlatform(buildPlatform(loaded.manifest, loaded.positions), tree.scope(`presets/${name}`));
  }
  return tree;
}
