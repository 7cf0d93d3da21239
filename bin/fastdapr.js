#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled package (dist/, built by `npm run build`, and by
// `npm pack` before the tarball is made; a checkout has no dist/ until then).
import { setFlagsFromString } from "node:v8";

// Ruff's formatter is WebAssembly. V8's optimising tier would recompile it in the background,
// which costs more CPU than a whole run formats and holds the process at exit for ~0.2 s;
// the baseline compiler alone halves `fastdapr new` (see docs/benchmarks.md). Set before the
// module is compiled, i.e. before the CLI is imported.
setFlagsFromString("--liftoff-only");

const { main } = await import("../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
