// The Python application of a service: app/, tests/, env and README files (pyproject.toml is
// rendered as data by pyproject.ts). Generated files are regenerated; scaffolded ones are the
// user's after the first write: routes, handlers, handler tests and the agent's system prompt.
import type { AgentBackend, PayloadField, PayloadModel, ServiceModel, StateKey, TopicRef } from "../model/service.js";
import { CONVERSATION_TIMEOUT_SECONDS } from "./dapr-resources.js";
import type { Owner, Tree } from "../tree/tree.js";
import { CONTAINER_IMAGES, PYTHON_DEV_DEPENDENCIES } from "../versions.js";
import { pins } from "./pyproject.js";
import { renderTemplate } from "./templates.js";
import { pythonString } from "./literals.js";
import { formatPython } from "./python-format.js";
import * as layout from "./python-layout.js";
import type { Doc } from "./python-layout.js";
import { payloadImports } from "../manifest/payload.js";
import { isWiredPath, type Starter } from "./starters.js";
import { API_TOKEN_SECRET, APP_TOKEN_SECRET } from "./environment.js";
import { kubernetesSecrets } from "./kubernetes.js";
import { daprInstall } from "../dapr-install.js";

const PYTHON_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Arguments of `Field(...)` for one payload field. */
function fieldArgs(f: PayloadField): string[] {
  const args: string[] = [];
  if (!f.required) args.push(`default=${f.defaultRepr ?? "None"}`);
  if (f.alias) args.push(`alias=${pythonString(f.alias)}`);
  if (f.description) args.push(`description=${pythonString(f.description)}`);
  return args;
}

/** One field declaration in a model's body: `name: type`, with `= Field(...)` when it has a default, alias or doc. */
function fieldDecl(f: PayloadField): string {
  const args = fieldArgs(f);
  return args.length > 0 ? layout.statement(4, layout.args(`${f.name}: ${f.pyType} = Field(`, args)) : `${f.name}: ${f.pyType}`;
}

/** A Python dict display of a valid payload: required fields only (open models get one field). */
function exampleDoc(p: PayloadModel): Doc {
  if (p.open) return layout.collection("{", ['"example": True'], "}");
  const required = p.fields.filter((f) => f.required);
  return layout.collection(
    "{",
    required.map((f) => `${pythonString(f.alias ?? f.name)}: ${f.example}`),
    "}",
  );
}

/** The same on one line. */
function example(p: PayloadModel): string {
  return layout.flat(exampleDoc(p));
}

function keyFormat(k: StateKey): string {
  return k.pattern.replace(/\{([a-z_][a-z0-9_]*)\}/g, "{_part($1)}");
}

function keyExample(k: StateKey): string {
  return k.pattern.replace(/\{([a-z_][a-z0-9_]*)\}/g, "$1-1");
}

/** Natural order ("event_2" before "event_10"), the order ruff's isort gives imported names. */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const [x, y] = [chunks(a), chunks(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) return Number(p) - Number(q) || p.length - q.length;
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** Payload models of every topic, once per class name (a topic may be both read and written). */
function payloads(svc: ServiceModel): PayloadModel[] {
  const seen = new Map<string, PayloadModel>();
  for (const t of [...svc.subscribes, ...svc.publishes]) {
    if (!seen.has(t.payload.className)) seen.set(t.payload.className, t.payload);
  }
  return [...seen.values()];
}

const APP_FILES: [string, Owner][] = [
  ["app/__init__.py", "generated"],
  ["app/__main__.py", "generated"],
  ["app/main.py", "generated"],
  ["app/core/__init__.py", "generated"],
  ["app/core/access_log.py", "generated"],
  ["app/core/config.py", "generated"],
  ["app/core/logging.py", "generated"],
  ["app/core/security.py", "generated"],
  ["app/core/tracing.py", "generated"],
  ["app/core/telemetry.py", "generated"],
  ["app/core/metrics.py", "generated"],
  ["app/core/request_telemetry.py", "generated"],
  ["app/core/routing.py", "generated"],
  ["app/api/__init__.py", "generated"],
  ["app/api/deps.py", "generated"],
  ["app/api/health.py", "generated"],
  ["app/api/errors.py", "generated"],
  ["app/api/events.py", "generated"],
  ["app/api/routes.py", "scaffolded"],
  ["app/extensions.py", "scaffolded"],
  ["app/models/__init__.py", "generated"],
  ["app/models/schemas.py", "generated"],
  ["app/models/keys.py", "generated"],
  ["app/services/__init__.py", "generated"],
  ["app/services/dapr.py", "generated"],
  ["app/services/state.py", "generated"],
  ["app/services/publisher.py", "generated"],
  ["app/services/pubsub.py", "generated"],
  ["app/services/invoke.py", "generated"],
  ["app/services/sidecar_telemetry.py", "generated"],
  ["app/services/event_telemetry.py", "generated"],
  ["app/handlers/__init__.py", "generated"],
  ["tests/__init__.py", "generated"],
  ["tests/conftest.py", "generated"],
  ["tests/fake_sidecar.py", "generated"],
  ["tests/test_health.py", "generated"],
  ["tests/test_state.py", "generated"],
  ["tests/test_publish.py", "generated"],
  ["tests/test_subscriptions.py", "generated"],
  ["tests/test_invoke.py", "generated"],
  ["tests/test_security.py", "generated"],
  ["tests/test_logging.py", "generated"],
  ["tests/test_entrypoint.py", "generated"],
  ["tests/test_extensions.py", "generated"],
  ["tests/test_routing.py", "generated"],
  ["tests/test_dapr_contract.py", "generated"],
  ["tests/test_sidecar_down.py", "generated"],
  ["tests/test_telemetry.py", "generated"],
  [".env.example", "generated"],
  ["README.md", "generated"],
];

const AGENT_FILES: [string, Owner][] = [
  ["app/agents/__init__.py", "generated"],
  ["app/agents/llm.py", "generated"],
  ["app/agents/llm_telemetry.py", "generated"],
  ["app/agents/window.py", "generated"],
  ["app/agents/memory.py", "generated"],
  ["app/agents/agent.py", "generated"],
  ["app/agents/deps.py", "generated"],
  ["app/agents/routes.py", "generated"],
  ["app/agents/prompts/__init__.py", "generated"],
  ["app/agents/prompts/system.md", "scaffolded"],
  ["tests/test_agent.py", "generated"],
  ["tests/test_window.py", "generated"],
  ["tests/test_memory.py", "generated"],
];

/** The module and the tests of the agent's backend. */
const BACKEND_FILES: Record<AgentBackend, [string, Owner][]> = {
  openai: [
    ["app/agents/openai_model.py", "generated"],
    ["tests/test_openai_model.py", "generated"],
  ],
  "dapr-conversation": [
    ["app/agents/dapr_conversation.py", "generated"],
    ["tests/test_dapr_conversation.py", "generated"],
  ],
};

/**
 * The app of one service. With a `starter` (a preset's starter code for this service, see
 * starters.ts), its templates replace the generic stubs of the scaffolded files and add its extra
 * files, all scaffolded: they shape a file only when it is first written.
 */
export function renderPythonApp(svc: ServiceModel, out: Tree, starter: Starter | null = null): void {
  // No formatter parses the output any more (python-format.ts), so a name that is not a Python
  // identifier would be written as broken code: stop instead, as the formatter's parse error did.
  // (A topic part may start with a digit, "1a.b", which makes no module or class name.)
  for (const t of [...svc.subscribes, ...svc.publishes]) {
    if (!PYTHON_IDENTIFIER.test(t.module) || !PYTHON_IDENTIFIER.test(t.payload.className)) {
      throw new Error(`topic ${t.name} makes no Python name (module ${t.module}, class ${t.payload.className})`);
    }
  }
  const tree = {
    add: (path: string, content: string, owner: Owner) => out.add(path, path.endsWith(".py") ? formatPython(content) : content, owner),
  };
  const models = payloads(svc);
  const data = {
    svc,
    payloads: models,
    payloadImports: payloadImports(models),
    handlerModules: svc.subscribes.map((t) => t.module).sort(naturalCompare),
    fieldArgs,
    fieldDecl,
    example,
    exampleDoc,
    py: layout,
    keyFormat,
    keyExample,
    devPins: pins(PYTHON_DEV_DEPENDENCIES)
      .map((p) => `"${p}"`)
      .join(" "),
    conversationTimeoutSeconds: CONVERSATION_TIMEOUT_SECONDS,
    images: CONTAINER_IMAGES,
    // a lone service's namespace: the manifest's, else one named after the service
    install: daprInstall(svc.namespace ?? svc.name),
    tokenSecrets: [API_TOKEN_SECRET, APP_TOKEN_SECRET],
    otherSecrets: kubernetesSecrets(svc).filter((s) => s.name !== API_TOKEN_SECRET && s.name !== APP_TOKEN_SECRET),
  };
  const render = (template: string, extra: object = {}): string => renderTemplate(`service/${template}.eta`, { ...data, ...extra });

  const started = new Set<string>();
  /** a scaffolded file: the starter's version when it has one, else the generic stub */
  const scaffold = (path: string, template: string, extra: object = {}): void => {
    const own = starter?.files.get(path);
    if (own) started.add(path);
    tree.add(path, own ? renderTemplate(own, { ...data, ...extra }) : render(template, extra), "scaffolded");
  };

  const agentFiles = svc.agent ? [...AGENT_FILES, ...BACKEND_FILES[svc.agent.backend]] : [];
  for (const [path, owner] of [...APP_FILES, ...agentFiles]) {
    if (owner === "scaffolded") scaffold(path, path);
    else tree.add(path, render(path), owner);
  }
  if (svc.subscribes.length > 0) tree.add("tests/handlers/__init__.py", "", "generated");
  for (const topic of svc.subscribes) {
    scaffold(`app/handlers/${topic.module}.py`, "app/handlers/handler.py", { topic });
    scaffold(`tests/handlers/test_${topic.module}.py`, "tests/handler_test.py", { topic });
  }
  for (const [path, template] of starter?.files ?? []) {
    // a handler of a topic the service no longer subscribes to stays unwritten, like its stub
    if (started.has(path) || isWiredPath(path)) continue;
    if (out.get(path)) throw new Error(`starter ${starter!.name}: ${path} is a generated file, not the user's`);
    tree.add(path, renderTemplate(template, data), "scaffolded");
  }
}

export type { TopicRef };
