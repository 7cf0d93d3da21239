// Serialising structured files: objects in, well-formed YAML out (never string pasting).
import { stringify } from "yaml";

export function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0, singleQuote: false, aliasDuplicateObjects: false });
}

/** Several documents in one file, separated by `---`. */
export function toYamlDocuments(docs: unknown[]): string {
  return docs.map((d) => toYaml(d)).join("---\n");
}
