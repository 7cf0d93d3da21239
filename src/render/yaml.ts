// Serialising structured files: objects in, well-formed YAML out (never string pasting).
import { stringify } from "yaml";

// A platform's services share many documents (the same component for two environments, the same
// policy shape): each distinct document is serialised once per run. The key is the document as
// JSON, which holds everything these plain objects carry, in the same key order.
const serialised = new Map<string, string>();

export function toYaml(doc: unknown): string {
  const key = JSON.stringify(doc);
  let out = serialised.get(key);
  if (out === undefined) {
    out = stringify(doc, { lineWidth: 0, singleQuote: false, aliasDuplicateObjects: false });
    serialised.set(key, out);
  }
  return out;
}

/** Several documents in one file, separated by `---`. */
export function toYamlDocuments(docs: unknown[]): string {
  return docs.map((d) => toYaml(d)).join("---\n");
}
