// Text templates (Python, Dockerfile, Markdown) rendered with Eta. Structured files never come from here.
import { Eta } from "eta";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../core/package-root.js";
import { LITERALS } from "./literals.js";

export const TEMPLATES_DIR = join(PACKAGE_ROOT, "templates");

const common = { views: TEMPLATES_DIR, autoEscape: false, cache: true, useWith: false } as const;

// Code templates drop the newline right after a tag, so control lines (`<% if … { %>`) leave no
// blank line behind; line-oriented files (Dockerfile) keep every newline, since their value tags
// end lines.
const codeEngine = new Eta({ ...common, autoTrim: [false, "nl"] });
const lineEngine = new Eta({ ...common, autoTrim: false });

/**
 * Render `templates/<name>` (e.g. "service/app/main.py.eta") with `it` as its data. Every template
 * also gets `it.lit` (literals.ts): free text enters Python and Markdown only through it.
 */
export function renderTemplate(name: string, it: object, options: { keepNewlines?: boolean } = {}): string {
  const engine = options.keepNewlines ? lineEngine : codeEngine;
  return engine.render(name, { ...it, lit: LITERALS } as Record<string, unknown>);
}
