#!/usr/bin/env node
// Thin launcher: the CLI is one pre-built file, dist/cli/fastdapr.js (scripts/bundle.mjs, run by
// `npm run build` and by `npm pack`; a checkout has no dist/ until then), whose commands load their
// own code when they run.
import module from "node:module";
import { setFlagsFromString } from "node:v8";

// Ruff's formatter is WebAssembly. V8's optimising tier would recompile it in the background,
// which costs more CPU than a whole run formats and holds the process at exit for ~0.2 s;
// the baseline compiler alone halves `fastdapr new` (see docs/benchmarks.md). Set before the
// module is compiled, i.e. before the CLI is imported. Its 10 MB are also validated function by
// function when first called rather than all at load: a run calls a small part of ruff, and the
// whole-module validation was ~40 ms of CPU (measured, docs/benchmarks.md).
setFlagsFromString("--liftoff-only");
setFlagsFromString("--wasm-lazy-validation");

// Node ≥ 22.1 keeps compiled code on disk between runs; Node 20 has no such cache (nothing to do)
module.enableCompileCache?.();

const { main } = await import("../dist/cli/fastdapr.js");
process.exitCode = await main(process.argv.slice(2));
