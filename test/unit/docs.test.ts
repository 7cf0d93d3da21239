// The documentation a newcomer reads must not point at files that do not exist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** relative link targets of a Markdown file: [text](target), without URLs and pure anchors */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("#"))
    .map((t) => t.split("#")[0]!);
}

for (const doc of DOCS) {
  test(`${doc}: every relative link resolves`, () => {
    const links = relativeLinks(readFileSync(join(ROOT, doc), "utf8"));
    const broken = links.filter((target) => !existsSync(resolve(ROOT, dirname(doc), target)));
    assert.deepEqual(broken, [], `${doc} links to missing files`);
  });
}

test("the link scanner finds links and ignores URLs, anchors and code", () => {
  const md = "[a](docs/x.md) [b](https://e.org) [c](#top) `[d](no.md)` [e](y.md#part)\n```\n[f](z.md)\n```";
  assert.deepEqual(relativeLinks(md), ["docs/x.md", "y.md"]);
});
