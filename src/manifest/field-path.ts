// Paths into the manifest as messages show them, apart from the loader so that the renderers
// (payload models) can name a field without loading the YAML parser and the schema.
export type PathSegment = string | number;

/** Renders a manifest path for messages: services.triage-service.port, topics["learning.query"].schema */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "(top level)";
}
