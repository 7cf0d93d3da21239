// Writes the JSON Schemas the package ships, from their zod sources: schemas/fastdapr.schema.json
// (the manifest, src/manifest/schema.ts) and schemas/cli-output.schema.json (the --json answers,
// src/app/answers.ts). Run after changing either: npx tsx scripts/write-schema.ts
// (unit tests fail while a file is stale)
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { manifestJsonSchemaText, SCHEMA_FILE } from "../src/manifest/schema.js";
import { CLI_OUTPUT_SCHEMA_FILE, cliOutputJsonSchemaText } from "../src/app/answers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [file, text] of [
  [SCHEMA_FILE, manifestJsonSchemaText()],
  [CLI_OUTPUT_SCHEMA_FILE, cliOutputJsonSchemaText()],
] as const) {
  const target = join(root, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${file}`);
}
