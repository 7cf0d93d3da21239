// Where a manifest's values are: a field path (["services", "triage-service", "port"]) → "file:LINE:COL"
// of its node in the parsed YAML document, and the field path of a key found by its offset.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import { MANIFEST_FILE } from "./find.js";
import { formatPath, type PathSegment } from "./field-path.js";

/** Maps a path in the manifest (["services", "triage-service", "port"]) to "file:LINE:COL". */
export interface Positions {
  readonly fileName: string;
  /**
   * Location of the node at `path`: its value, or its key with `{ key: true }` (for map entries).
   * When the path does not exist (a defaulted field), the nearest existing ancestor is used.
   */
  at(path: readonly PathSegment[], options?: { key?: boolean }): string;
}

/** Positions that know no file: every path maps to the file name alone. */
export function noPositions(fileName = MANIFEST_FILE): Positions {
  return { fileName, at: () => fileName };
}

/** Positions over a parsed document. */
export function documentPositions(doc: Document, lineCounter: LineCounter, fileName: string): Positions {
  const locate = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  return {
    fileName,
    at(path, options = {}) {
      let node: unknown = doc.contents;
      let offset = node && (node as Node).range ? (node as Node).range![0] : 0;
      for (let i = 0; i < path.length; i++) {
        if (isAlias(node)) node = node.resolve(doc);
        const seg = path[i]!;
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          const keyNode = pair.key as Node;
          if (last && options.key && keyNode.range) return locate(keyNode.range[0]);
          const value = pair.value as Node | null;
          // a key with no value ("port:") points at the key
          if (value?.range && !(isScalar(value) && value.value === null && value.range[0] === value.range[1])) {
            offset = value.range[0];
          } else if (keyNode.range) {
            offset = keyNode.range[0];
          }
          node = value;
        } else if (isSeq(node) && typeof seg === "number") {
          const item = node.items[seg] as Node | undefined;
          if (!item?.range) break;
          offset = item.range[0];
          node = item;
        } else {
          break;
        }
      }
      return locate(offset);
    },
  };
}

/** The source text of the key at `offset` ("port", "learning.query"). */
export function keyText(text: string, offset: number): string {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]+?)\s*:/.exec(text.slice(offset));
  const raw = m ? m[1]! : text.slice(offset).split(/[\s:]/)[0]!;
  return /^["']/.test(raw) ? raw.slice(1, -1) : raw;
}

/** " in services.triage-service" for a duplicate key at `offset`, when the map can be found. */
export function keyContext(doc: Document, offset: number): string {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 50; depth++) {
    if (!isMap(node) && !isSeq(node)) break;
    const items = node.items as unknown[];
    let next: unknown;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const value = isPair(item) ? item.value : item;
      const range = (value as Node | null)?.range;
      if (range && range[0] <= offset && offset < range[2]) {
        path.push(isPair(item) && isScalar(item.key) ? String(item.key.value) : i);
        next = value;
        break;
      }
    }
    if (next === undefined) break;
    node = next;
  }
  return path.length ? ` in ${formatPath(path)}` : "";
}
