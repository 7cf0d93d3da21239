// Loading fastdapr.yaml: YAML with source positions → the validated Manifest. Every problem (YAML
// syntax, duplicate keys, schema) becomes a FastdaprError that points at "file:LINE:COL" of the
// offending node and names the field path and what was expected. The parts live beside it: where a
// node is (positions.ts), the schema's issues in words (issues.ts), finding and reading the file (read.ts).
import { LineCounter, parseDocument, type Document } from "yaml";
import { describeValue, issueProblem, throwProblems } from "./issues.js";
import { documentPositions, keyContext, keyText, type Positions } from "./positions.js";
import { locateManifest, manifestError, manifestShown, readManifestText } from "./read.js";
import { ManifestSchema, type Manifest } from "./schema.js";
import { MANIFEST_FILE } from "./find.js";

export { MANIFEST_FILE };

/** A parsed and validated manifest, with what is needed to point at its lines and to edit it. */
export interface LoadedManifest {
  manifest: Manifest;
  /** The parsed YAML document (comments and key order kept): pass it to the edit functions. */
  doc: Document;
  positions: Positions;
  fileName: string;
  text: string;
  /** The manifest's absolute path, when it was read from a file. */
  file?: string;
}

/**
 * Parses and validates manifest text. `fileName` is used in error locations ("fastdapr.yaml:3:5").
 * Throws FastdaprError (exit code 2) for YAML syntax errors, duplicate keys and schema violations.
 */
export function parseManifest(text: string, fileName = MANIFEST_FILE): LoadedManifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const positions = documentPositions(doc, lineCounter, fileName);
  const locate = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throwProblems(
      doc.errors.map((e) =>
        e.code === "DUPLICATE_KEY"
          ? {
              code: "E_MANIFEST_DUPLICATE_KEY",
              message: `duplicate key ${JSON.stringify(keyText(text, e.pos[0]))}${keyContext(doc, e.pos[0])}: each key may appear once in a mapping`,
              location: locate(e.pos[0]),
              hint: "merge the two entries into one",
            }
          : {
              code: "E_MANIFEST_SYNTAX",
              message: `YAML syntax error: ${e.message.split("\n")[0]}`,
              location: locate(e.pos[0]),
            },
      ),
    );
  }
  if (doc.contents === null) {
    throw manifestError("E_MANIFEST_EMPTY", "the manifest is empty", `${fileName}:1:1`, 'start with "apiVersion: fastdapr/v1"');
  }
  const data = expandAliases(doc, fileName);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw manifestError("E_MANIFEST_TYPE", `the manifest must be a mapping, got ${describeValue(data)}`, positions.at([]));
  }
  const result = ManifestSchema.safeParse(data, { reportInput: true });
  if (!result.success) throwProblems(result.error.issues.map((i) => issueProblem(i, data, positions)));
  return { manifest: result.data, doc, positions, fileName, text };
}

/** Aliases that expand to more than this many nodes are refused ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; a document whose aliases would blow up in memory is a user error. */
function expandAliases(doc: Document, fileName: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    throw manifestError(
      "E_MANIFEST_SYNTAX",
      `the manifest's YAML aliases (*name) expand too far: ${error.message}`,
      `${fileName}:1:1`,
      "write the values out instead of nesting aliases of aliases",
    );
  }
}

/**
 * Finds (see locateManifest), reads and parses a manifest. Errors name it relative to `cwd`; a
 * missing or unreadable file is E_MANIFEST_NOT_FOUND or E_MANIFEST_FILE.
 */
export function loadManifest(given?: string, cwd = process.cwd()): LoadedManifest {
  const file = locateManifest(cwd, given);
  const shown = manifestShown(cwd, file, given);
  return { ...parseManifest(readManifestText(file, shown, given === undefined), shown), file };
}
