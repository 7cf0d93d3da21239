// The layering of src/, checked on the sources: no module reaches itself through its imports
// (static, dynamic or type-only: a type-only circle still ties two modules' designs together), and
// the two interfaces, src/cli (the command line) and src/mcp (the MCP server), never import each
// other: both adapt the command layer (src/app), which imports neither.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

// import … from "x", export … from "x", import "x", import("x"); comments are stripped first
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** The src/ modules a source imports, as paths relative to src/ ("cli/main.ts"). */
export function importsOf(text: string, file: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const found: string[] = [];
  for (const m of code.matchAll(SPECIFIER)) {
    const spec = m[1]!;
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
    found.push(relative(SRC, target));
  }
  return found;
}

/** The packages a source imports ("commander", "zod"). */
function packagesOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  return [...code.matchAll(SPECIFIER)].map((m) => m[1]!).filter((s) => !s.startsWith(".") && !s.startsWith("node:"));
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(SRC)) edges.set(relative(SRC, file), importsOf(readFileSync(file, "utf8"), file));
  return edges;
}

/** Every cycle's modules, each found once (from its first module in a depth-first walk). */
export function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

test("the import reader sees static, re-exported, dynamic and type-only imports, not commented ones", () => {
  const file = join(SRC, "cli", "x.ts");
  const text = [
    'import { a } from "../app/a.js";',
    'import type { B } from "./b.js";',
    'export { c } from "../core/c.js";',
    'import "./side.js";',
    'const d = await import("../mcp/d.js");',
    '// import { e } from "../mcp/e.js";',
    'import { z } from "zod";',
  ].join("\n");
  assert.deepEqual(importsOf(text, file), ["app/a.ts", "cli/b.ts", "core/c.ts", "cli/side.ts", "mcp/d.ts"]);
});

test("the cycle finder finds a circle and passes a tree", () => {
  assert.deepEqual(
    cycles(
      new Map([
        ["a.ts", ["b.ts"]],
        ["b.ts", ["c.ts"]],
        ["c.ts", ["a.ts"]],
      ]),
    ),
    [["a.ts", "b.ts", "c.ts", "a.ts"]],
  );
  assert.deepEqual(
    cycles(
      new Map([
        ["a.ts", ["b.ts", "c.ts"]],
        ["b.ts", ["c.ts"]],
        ["c.ts", []],
      ]),
    ),
    [],
  );
});

test("no import cycle among src/ modules", () => {
  assert.deepEqual(
    cycles(graph()).map((c) => c.join(" → ")),
    [],
  );
});

test("src/cli and src/mcp never import each other; the command layer (src/app) imports neither", () => {
  const wrong: string[] = [];
  for (const [from, targets] of graph()) {
    for (const to of targets) {
      const a = from.split("/")[0];
      const b = to.split("/")[0];
      if ((a === "cli" && b === "mcp") || (a === "mcp" && b === "cli") || (a === "app" && (b === "cli" || b === "mcp"))) wrong.push(`${from} → ${to}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("only the command line parses a command line: src/app and src/mcp never import commander", () => {
  const wrong = sources(SRC)
    .filter((file) => /^(app|mcp)\//.test(relative(SRC, file)))
    .filter((file) => packagesOf(readFileSync(file, "utf8")).includes("commander"))
    .map((file) => relative(SRC, file));
  assert.deepEqual(wrong, []);
});
