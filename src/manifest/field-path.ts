// Paths into the manifest as messages show them, apart from the loader so that the renderers
// (payload models) can name a field without loading the YAML parser and the schema.
export type PathSegment = string | number;

/**
 * A string as a message shows it: quoted, every invisible character (line breaks, C1 controls,
 * bidi marks, lone surrogates) as an escape, and a long one by its start, so an error is one
 * readable line that says exactly what was found.
 */
export function quoted(value: string, max = 80): string {
  const start = value.length > max ? `${[...value].slice(0, max).join("")}…` : value;
  return JSON.stringify(start).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Renders a manifest path for messages: services.triage-service.port, topics["learning.query"].schema */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${quoted(seg)}]`;
  }
  return out || "(top level)";
}
