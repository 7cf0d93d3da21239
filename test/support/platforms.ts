// A platform rendered from manifest text in memory, the way `fastdapr generate` renders it, for
// tests that inspect generated files without writing a folder.
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { renderPlatform } from "../../src/render/platform.js";
import { Tree } from "../../src/tree/tree.js";

export function renderedPlatform(manifestText: string): Tree {
  const loaded = parseManifest(manifestText);
  const tree = new Tree();
  renderPlatform(buildPlatform(loaded.manifest, loaded.positions), tree);
  return tree;
}
