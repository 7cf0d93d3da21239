// Writes schemas/fastdapr.schema.json from the zod manifest schema (src/manifest/schema.ts).
// Run after changing the schema: npx tsx scripts/write-schema.ts  (a unit test fails while it is stale)
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { manifestJsonSchemaText, SCHEMA_FILE } from "../src/manifest/schema.js";

const target = join(dirname(fileURLToPath(import.meta.url)), "..", SCHEMA_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, manifestJsonSchemaText());
console.log(`wrote ${SCHEMA_FILE}`);
