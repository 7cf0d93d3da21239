// Free text from the manifest (descriptions, titles, property names, enum values, defaults, the
// system prompt) is escaped by construction (src/render/literals.ts): hostile values, a fixed list
// plus seeded random ones, still generate Python that compiles, stays ruff-clean and carries the
// exact value, YAML that parses, and Markdown that opens no construct.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { docstringText, markdownInline, markdownText, pythonDocstring, pythonString } from "../../src/render/literals.js";
import { runCli } from "../support/cli.js";
import { assertPythonChecksPass, pythonVenv } from "../support/python-checks.js";
import { seeded } from "../support/seeded.js";

const venv = pythonVenv();
const python = join(venv, "bin", "python");
const work = mkdtempSync(join(tmpdir(), "fastdapr-free-text-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

/** Values that broke, or could break, a string, a docstring, a template, YAML or Markdown. */
const HOSTILE = [
  '"""',
  "'''",
  'ends with a quote"',
  '"starts with one',
  '""""four""""',
  "a backslash \\ in the middle",
  "ends with a backslash\\",
  "\\N{BULLET} \\u12 \\x \\0 \\",
  '{braces} {{doubled}} {0} f"{x}" %s %(name)s ${x} #{x}',
  "<% it %> <%= it.svc %> <%~ include('x') %> %>",
  "first line\nsecond line\n\nnew paragraph",
  "\n\n  leading and trailing blank lines  \n\n",
  "tab\tinside\tand trailing\t",
  "    four spaces: an indented code block",
  "# a heading\n- a list\n1. an ordered list\n> a quote\n---\n===\n+ plus",
  "| a | table |\n|---|---|",
  "`code` *em* _em_ **strong** [link](http://x) ![img](x) <b>html</b> <!-- comment --> &amp; &copy;",
  "<script>alert(1)</script>",
  "key: value\n- item\n&anchor *alias !tag %YAML ? ~ null true 0x1F @at",
  "café naïve Straße 漢字 שלום 🎉 😀",
  "en – dash, em — dash, × times, ’ quote, Cyrillic а, Greek ο, fullwidth Ａ",
  "bidi \u202e override \u202c and zero\u200bwidth and nbsp\u00a0here and \u2028 line separator",
  "\u0301 combining mark first",
  "x".repeat(500),
];

const PIECES = ['"', "'", "\\", "{", "}", "<%", "%>", "\n", "\t", " ", "#", "|", "`", "*", "_", "[", "]", "<", ">", "&", "-", "1.", ":", "$", "\\u", "\\N"];
const RANGES: [number, number][] = [
  [0x20, 0x7e], // ASCII
  [0xa0, 0x17f], // Latin-1 and Latin Extended-A
  [0x370, 0x4ff], // Greek, Cyrillic
  [0x2000, 0x206f], // General Punctuation: dashes, quotes, zero-width and bidi marks
  [0x4e00, 0x4e80], // CJK
  [0x1f600, 0x1f64f], // emoji (astral)
];

/** A random string the manifest accepts as free text (line breaks and tabs, no other control). */
function randomText(next: () => number, maxLength = 60): string {
  let text = "";
  const length = 1 + Math.floor(next() * maxLength);
  while ([...text].length < length) {
    if (next() < 0.4) {
      text += PIECES[Math.floor(next() * PIECES.length)];
    } else {
      const [low, high] = RANGES[Math.floor(next() * RANGES.length)]!;
      text += String.fromCodePoint(low + Math.floor(next() * (high - low + 1)));
    }
  }
  return [...text].slice(0, 500).join("");
}

/** A one-line value (property names, enum values). */
const oneLineOf = (text: string) => text.replace(/[\n\t]/g, " ").slice(0, 100) || "x";

interface Texts {
  platform: string;
  services: string[];
  topics: string[];
  fields: string[];
  names: string[];
  enums: string[];
  prompt: string;
}

function manifestOf(t: Texts): string {
  const properties: Record<string, unknown> = {};
  t.names.forEach((name, i) => {
    properties[name] = { type: "string", description: t.fields[i % t.fields.length], title: t.fields[(i + 1) % t.fields.length] };
  });
  properties["kind"] = { enum: t.enums };
  properties["note"] = { type: "string", default: t.fields[0] };
  properties["titled"] = { type: "string", title: t.fields[2] };
  const topics: Record<string, unknown> = {};
  t.topics.forEach((description, i) => {
    topics[`orders.event-${i}`] = i === 0 ? { description, schema: { type: "object", required: [t.names[0], "kind"], properties } } : { description };
  });
  const topicNames = Object.keys(topics);
  const services: Record<string, unknown> = {};
  t.services.forEach((description, i) => {
    services[`svc-${i}`] = {
      description,
      port: 8001 + i,
      publishes: i === 0 ? topicNames : [],
      subscribes: i === 0 ? [] : topicNames,
      ...(i === 1 ? { agent: { systemPrompt: t.prompt } } : {}),
      ...(i === 2 ? { agent: { backend: "dapr-conversation", systemPrompt: t.prompt } } : {}),
    };
  });
  return stringify({ apiVersion: "fastdapr/v1", name: "hostile", description: t.platform, topics, services });
}

/** As many hostile values as fit a description (500 characters). */
const fitting = (values: string[]) => values.reduce((all, v) => (`${all}\n${v}`.length <= 500 ? `${all}\n${v}` : all), "").slice(1);

const FIXED: Texts = {
  platform: fitting(HOSTILE),
  services: [HOSTILE[0]!, HOSTILE[10]!, fitting(HOSTILE.slice(14, 22))],
  // three values a topic, so every one lands in a docstring while each service stays quick to test
  topics: Array.from({ length: Math.ceil(HOSTILE.length / 3) }, (_, i) => fitting(HOSTILE.slice(3 * i, 3 * i + 3))),
  fields: HOSTILE,
  names: HOSTILE.slice(0, 12)
    .map(oneLineOf)
    .map((n, i) => `${i}${n}`), // distinct Python fields
  enums: [...new Set(HOSTILE.map(oneLineOf))],
  prompt: HOSTILE.join("\n"),
};

function randomTexts(seed: number): Texts {
  const next = seeded(seed);
  const many = (n: number, max?: number) => Array.from({ length: n }, () => randomText(next, max));
  return {
    platform: randomText(next, 500),
    services: many(3),
    topics: many(4, 200),
    fields: many(6),
    names: many(6, 30)
      .map(oneLineOf)
      .map((n, i) => `${i}${n}`),
    enums: [...new Set(many(5, 20).map(oneLineOf))],
    prompt: randomText(next, 2000),
  };
}

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(suffix) && !p.startsWith(".fastdapr") && statSync(join(dir, p)).isFile())
    .map((p) => join(dir, p));
}

/** Runs Python in the venv with `input` on stdin and returns what it printed. */
function runPython(code: string, input = "", cwd = work): string {
  const run = spawnSync(python, ["-c", code], { cwd, input, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** What a docstring of `text` should read as (inspect.cleandoc of the trimmed text), in Python. */
const AS_DOCSTRING = `
import inspect
def norm(text):
    return "\\n".join(line.rstrip() for line in text.strip().split("\\n"))
def clean(doc):
    # cleandoc expands tabs at their column, which the indentation moves: compare tabs as tabs
    return inspect.cleandoc(doc.replace("\\t", "\\0"))
def as_doc(text):
    return clean(norm(text))
`;

/** The payload model of the first topic as Python sees it: docstring, field descriptions and aliases, enum values. */
const INSPECT_MODEL = `${AS_DOCSTRING}
import importlib, json, sys, typing
expected = json.load(sys.stdin)
schemas = importlib.import_module("app.models.schemas")
model = schemas.OrdersEvent0
fields = {n: {"alias": f.alias, "description": f.description, "default": None if f.is_required() else f.default} for n, f in model.model_fields.items()}
kind = typing.get_args(model.model_fields["kind"].annotation)
print(json.dumps({"doc_ok": clean(model.__doc__) == as_doc(expected), "fields": fields, "kind": list(kind)}))
`;

async function generateAndCheck(label: string, t: Texts): Promise<string> {
  const root = join(work, label);
  const manifest = manifestOf(t);
  mkdirSync(root);
  writeFileSync(join(root, "fastdapr.yaml"), manifest);
  const run = await runCli(["generate", "--json"], root);
  assert.equal(run.code, 0, `${label}: ${run.stdout}${run.stderr}`);

  // every Python file compiles, and ruff (lint and format) is clean on every service
  const compiled = spawnSync(python, ["-m", "compileall", "-q", "services"], { cwd: root, encoding: "utf8" });
  assert.equal(compiled.status, 0, `${label}: ${compiled.stdout}${compiled.stderr}`);
  for (const args of [
    ["check", "--no-cache", "services"],
    ["format", "--check", "--no-cache", "services"],
  ]) {
    const ruff = spawnSync(join(venv, "bin", "ruff"), args, { cwd: root, encoding: "utf8" });
    assert.equal(ruff.status, 0, `${label}: ruff ${args.join(" ")}\n${ruff.stdout}${ruff.stderr}`);
  }
  // every YAML file parses
  for (const file of [...files(root, ".yaml"), ...files(root, ".yml")]) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) assert.deepEqual(doc.errors, [], file);
  }
  // YAML and TOML carry the text as data: the AsyncAPI channel holds the description as written,
  // the package summary is the service's description on one line
  const asyncapi = parseAllDocuments(readFileSync(join(root, "asyncapi.yaml"), "utf8"))[0]!.toJS() as {
    channels: Record<string, { description: string }>;
  };
  assert.equal(asyncapi.channels["orders.event-0"]!.description, t.topics[0]);
  const summary = runPython("import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['description'])", "", join(root, "services/svc-0"));
  assert.equal(summary, `${t.services[0]!.replace(/\s+/g, " ").trim()}\n`, "a package summary is one line");
  // the values arrive exactly: docstring, Field descriptions, aliases, Literal values, defaults
  const seen = JSON.parse(runPython(INSPECT_MODEL, JSON.stringify(t.topics[0]), join(root, "services/svc-0")));
  assert.ok(seen.doc_ok, `${label}: docstring of ${JSON.stringify(t.topics[0])}`);
  const byAlias = new Map<string, { alias: string | null; description: string | null; default: unknown }>(
    Object.entries(seen.fields as Record<string, { alias: string | null; description: string | null; default: unknown }>).map(([n, f]) => [f.alias ?? n, f]),
  );
  t.names.forEach((name, i) => assert.equal(byAlias.get(name)?.description, t.fields[i % t.fields.length], `${label}: field ${JSON.stringify(name)}`));
  assert.equal(byAlias.get("note")?.default, t.fields[0]);
  assert.equal(byAlias.get("titled")?.description, t.fields[2], "a title is the description when there is none");
  assert.deepEqual(seen.kind, t.enums, `${label}: enum values`);
  // the agent's prompt file holds the prompt as written (every file ends with exactly one newline)
  assert.equal(readFileSync(join(root, "services/svc-1/app/agents/prompts/system.md"), "utf8"), t.prompt.replace(/\n*$/, "\n"));
  // the platform description renders in the README as written, opening no Markdown construct
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.ok(readme.includes(`\n\n${markdownText(t.platform)}\n\n`), `${label}: README`);
  return root;
}

test("the literal helpers hold exactly the text (Python) and open no construct (Markdown)", () => {
  const next = seeded(16);
  const samples = [...HOSTILE, ...Array.from({ length: 300 }, () => randomText(next, 120))];
  // Python: a string literal evaluates to the text; a docstring to its cleandoc form
  const program = samples
    .map(
      (s, i) =>
        `s${i} = ${pythonString(s)}\n\n\ndef f${i}() -> None:\n    ${pythonDocstring(s, "    ")}\n\n\ndef g${i}() -> None:\n    """Prefix: ${docstringText(s, "    ")}\n\n    Suffix.\n    """\n`,
    )
    .join("\n\n");
  writeFileSync(join(work, "literals.py"), program);
  const got = JSON.parse(
    runPython(
      `${AS_DOCSTRING}\nimport json, runpy, sys\nsamples = json.load(sys.stdin)\nns = runpy.run_path("literals.py")\n` +
        `print(json.dumps([[ns[f"s{i}"] == s, clean(ns[f"f{i}"].__doc__) == as_doc(s), ` +
        `clean(ns[f"g{i}"].__doc__) == clean("Prefix: " + norm(s) + "\\n\\nSuffix.")] for i, s in enumerate(samples)]))`,
      JSON.stringify(samples),
    ),
  ) as [boolean, boolean, boolean][];
  samples.forEach((s, i) => {
    assert.deepEqual(got[i], [true, true, true], `string literal, docstring, embedded docstring of ${JSON.stringify(s)}`);
  });
  const ruff = spawnSync(join(venv, "bin", "ruff"), ["check", "--no-cache", "--select", "E,W,F,RUF", "--ignore", "E501", "literals.py"], { cwd: work, encoding: "utf8" });
  assert.equal(ruff.status, 0, ruff.stdout);

  // Markdown: removing the escapes gives back the text, and nothing is left unescaped
  const unescape = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, "$1");
  for (const s of samples) {
    for (const [md, expected] of [
      [
        markdownText(s),
        s
          .trim()
          .split("\n")
          .map((l) => l.trim())
          .join("\n")
          .replace(/\n{3,}/g, "\n\n"),
      ],
      [markdownInline(s), s.replace(/\s+/g, " ").trim()],
    ] as const) {
      assert.equal(unescape(md), expected, `markdown of ${JSON.stringify(s)}`);
      for (const line of md.split("\n")) {
        assert.doesNotMatch(line, /^(\s|#|[-+*>=]|\d+[.)])/, `line start of ${JSON.stringify(line)}`);
        assert.doesNotMatch(line.replace(/\\./g, ""), /[\\`*_[\]<>|~&]/, `unescaped in ${JSON.stringify(line)}`);
      }
    }
    assert.doesNotMatch(markdownInline(s), /\n/);
  }
});

test("hostile free text (a fixed list) generates a platform that compiles, lints, parses and keeps every value", async () => {
  const root = await generateAndCheck("fixed", FIXED);
  // and each service passes its own ruff, mypy and pytest (the tests send the hostile enum values and aliases)
  for (const service of readdirSync(join(root, "services"))) assertPythonChecksPass(join(root, "services", service), venv, service);
});

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`seeded random free text (seed ${seed}) generates a platform that compiles, lints, parses and keeps every value`, async () => {
    await generateAndCheck(`seed-${seed}`, randomTexts(seed));
  });
}
