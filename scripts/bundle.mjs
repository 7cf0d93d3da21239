// Builds the CLI the package's bin runs: one pre-built entry file, dist/cli/fastdapr.js, with each
// command's code in a chunk beside it that loads only when the command runs (the dynamic imports of
// src/cli/commands/*). Module resolution is most of a Node CLI's start-up: one file instead of ~200
// (zod alone is 95) is what makes `fastdapr --version` cost about what `node -e 0` costs.
// No source maps: the package ships compiled code only. Run by `npm run build` and by prepack.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { fastdapr: "src/fastdapr.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // ruff's WebAssembly formatter finds its .wasm file beside its own module (__dirname): it stays
  // an installed dependency, loaded from node_modules when a command formats Python
  external: ["@astral-sh/ruff-wasm-nodejs"],
  // CommonJS dependencies bundled into ESM call require() for Node's built-ins
  banner: { js: 'import { createRequire as __fastdaprRequire } from "node:module"; const require = __fastdaprRequire(import.meta.url);' },
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
