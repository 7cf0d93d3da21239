// Text templates (Python, Dockerfile, Markdown) rendered with Eta. Structured files never come from here.
import { Eta } from "eta";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";

function findTemplatesDir(): string {
  // Works from src/ (tsx) and from dist/src/ (compiled): walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "templates");
    if (existsSync(join(candidate, "service"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error("fastdapr templates folder not found");
}

export const TEMPLATES_DIR = findTemplatesDir();

const eta = new Eta({
  views: TEMPLATES_DIR,
  autoEscape: false,
  // keep the template's own newlines except the one right after a tag, so Python stays readable
  autoTrim: [false, "nl"],
  cache: true,
  useWith: false,
});

/** Render `templates/<name>` (e.g. "service/app/main.py.eta") with `it` as its data. */
export function renderTemplate(name: string, it: object): string {
  return eta.render(name, it as Record<string, unknown>);
}
