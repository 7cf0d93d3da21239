// Starter code a preset supplies for the user-owned (scaffolded) files of its services.
//
// templates/presets/<preset>/<service>/ mirrors a service folder: `app/api/routes.py.eta` there is
// written instead of the generic routes stub, `app/handlers/<topic>.py.eta` instead of the generic
// handler, and so on. A starter file whose path has no stub (a helper module, a test) is added as
// one more scaffolded file. Starter code changes only what a file holds the FIRST time it is
// written: scaffolded files are the user's afterwards, never overwritten (src/tree/plan.ts).
// Folders whose name starts with "_" hold pieces shared by several services (Eta includes).
import { existsSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { TEMPLATES_DIR } from "./templates.js";

export interface Starter {
  /** "<preset>/<service>", for messages */
  name: string;
  /** service-relative output path → template name (relative to templates/) */
  files: ReadonlyMap<string, string>;
}

const cache = new Map<string, Starter | null>();

/** The starter of `service` in `preset`, or null when the preset has none for it (or no preset). */
export function starterFor(preset: string | null | undefined, service: string): Starter | null {
  if (!preset || service.startsWith("_")) return null;
  const key = `${preset}/${service}`;
  if (!cache.has(key)) cache.set(key, loadStarter(preset, service));
  return cache.get(key) ?? null;
}

function loadStarter(preset: string, service: string): Starter | null {
  const dir = join(TEMPLATES_DIR, "presets", preset, service);
  if (!existsSync(dir)) return null;
  const files = new Map<string, string>();
  for (const rel of templatesUnder(dir, "").sort()) {
    files.set(rel.slice(0, -".eta".length), posix.join("presets", preset, service, rel));
  }
  return { name: `${preset}/${service}`, files };
}

/** POSIX paths of the .eta files under `dir`, relative to it. */
function templatesUnder(dir: string, rel: string): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((entry) => {
    const path = rel ? posix.join(rel, entry.name) : entry.name;
    if (entry.isDirectory()) return templatesUnder(dir, path);
    return entry.isFile() && entry.name.endsWith(".eta") ? [path] : [];
  });
}

/**
 * Files whose stub exists only while the manifest wires them (a topic's handler and its test, an
 * agent's prompt): a starter version of one is written only where the generic renderer would
 * write the stub, so a starter never brings back a handler for a topic the service dropped.
 */
export function isWiredPath(path: string): boolean {
  return path.startsWith("app/handlers/") || path.startsWith("tests/handlers/") || path.startsWith("app/agents/");
}
