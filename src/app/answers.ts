// The JSON contract: the one line each command prints under --json, as zod schemas. The printers in
// output.ts and the commands are typed by them, schemas/cli-output.schema.json is generated from
// them (scripts/write-schema.ts; a test keeps the file equal), and the MCP tools return the same
// lines. Success lines carry what an agent needs next (paths, counts, warnings)
// and nothing else.
import { z } from "zod";
import { ERROR_CODE_NAMES } from "./error-codes.js";

const count = z.int().min(0);

export const WarningAnswer = z.strictObject({
  code: z.string().regex(/^W_[A-Z_]+$/),
  message: z.string(),
  location: z.string().describe('"fastdapr.yaml:LINE:COL"'),
});

const warnings = z.array(WarningAnswer).min(1).optional().describe("Present only when there are warnings.");

/** What a writing command did (zeros of the rarer counts are left out). */
const counts = {
  created: count,
  updated: count,
  unchanged: count,
  deleted: count.min(1).optional(),
};

const unused = z.array(z.string()).min(1).optional().describe("Scaffolded files (yours) the manifest no longer wires in: kept, named so you can delete or reuse them.");

const recovered = z.enum(["rolled back", "completed"]).optional().describe("An earlier run was stopped while writing; its changes were rolled back or completed first.");

const dryRun = z.literal(true).optional().describe("Present on --dry-run: the counts say what would happen; nothing was written.");

export const NewAnswer = z
  .strictObject({
    ok: z.literal(true),
    command: z.literal("new"),
    path: z.string().describe("The service folder, relative to the working directory."),
    ...counts,
    unused,
    dryRun,
    recovered,
  })
  .describe("fastdapr new");

const PLATFORM_WRITERS = ["init", "generate", "add service", "add pubsub", "add state", "add invoke", "add agent"] as const;

export const PlatformAnswer = z
  .strictObject({
    ok: z.literal(true),
    command: z.enum(PLATFORM_WRITERS),
    root: z.string().describe("The platform folder (where fastdapr.yaml is), relative to the working directory."),
    ...counts,
    unused,
    warnings,
    dryRun,
    recovered,
  })
  .describe("fastdapr init, generate and add …");

/** What `generate` would do: files missing, outdated, no longer generated, edited by hand. */
const driftCounts = { created: count, updated: count, deleted: count, conflicts: count };

export const GenerateCheckAnswer = z
  .strictObject({
    ok: z.literal(true),
    command: z.literal("generate"),
    check: z.literal(true),
    ...driftCounts,
  })
  .describe("fastdapr generate --check: no drift (every count 0).");

export const CheckAnswer = z
  .strictObject({
    ok: z.literal(true),
    command: z.literal("check"),
    services: count,
    topics: count,
    warnings,
    drift: z.literal(0).optional().describe("Present once the platform was generated: the files match the manifest."),
  })
  .describe("fastdapr check");

export const GraphJson = z.strictObject({
  services: z.array(z.strictObject({ name: z.string(), tier: z.string(), port: count, agent: z.boolean(), public: z.boolean() })),
  topics: z.array(z.strictObject({ name: z.string(), publishers: z.array(z.string()), subscribers: z.array(z.string()) })),
  invocations: z.array(z.strictObject({ from: z.string(), to: z.string() })),
});

export const GraphAnswer = z
  .union([
    z.strictObject({ ok: z.literal(true), command: z.literal("graph"), format: z.literal("json"), graph: GraphJson }),
    z.strictObject({ ok: z.literal(true), command: z.literal("graph"), format: z.literal("mermaid"), graph: z.string() }),
  ])
  .describe("fastdapr graph");

const SKILL_STATUSES = ["created", "updated", "unchanged"] as const;

export const SkillAnswer = z
  .strictObject({
    ok: z.literal(true),
    command: z.literal("skill install"),
    path: z.string().describe("The installed SKILL.md, relative to the working directory."),
    status: z.enum(SKILL_STATUSES),
  })
  .describe("fastdapr skill install");

const Problem = z.strictObject({ code: z.string(), message: z.string(), location: z.string(), hint: z.string().optional() });

export const ErrorAnswer = z
  .strictObject({
    ok: z.literal(false),
    command: z.string().describe('The command as typed: "new", "add pubsub", …'),
    error: z.strictObject({
      code: z.enum(ERROR_CODE_NAMES).describe("Stable: branch on it."),
      message: z.string().describe("One sentence."),
      location: z.string().optional().describe('"fastdapr.yaml:LINE:COL", a flag ("--port"), an argument ("<service-name>") or a path.'),
      hint: z.string().describe("What to do about it."),
    }),
    problems: z
      .array(Problem)
      .min(1)
      .max(10)
      .optional()
      .describe(
        "Every problem when there is more than one (an invalid manifest, a platform-graph error; check lists even one), the error first; at most 10, the error's message counts them all.",
      ),
    warnings,
    // E_DRIFT: what a generate would change
    check: z.literal(true).optional().describe("E_DRIFT from generate --check."),
    created: count.optional(),
    updated: count.optional(),
    deleted: count.optional(),
    conflicts: count.optional(),
    services: count.optional().describe("E_DRIFT from check: the platform's size."),
    topics: count.optional(),
    drift: count.min(1).optional().describe("E_DRIFT from check: the number of files a generate would create, update, delete or refuse to overwrite."),
  })
  .describe("Any command that failed (exit code 1, 2, 3 or 70).");

export type Warning = z.infer<typeof WarningAnswer>;
export type Answer =
  | z.input<typeof NewAnswer>
  | z.input<typeof PlatformAnswer>
  | z.input<typeof GenerateCheckAnswer>
  | z.input<typeof CheckAnswer>
  | z.input<typeof GraphAnswer>
  | z.input<typeof SkillAnswer>
  | z.input<typeof ErrorAnswer>;

const DEFINITIONS = {
  new: NewAnswer,
  platform: PlatformAnswer,
  generateCheck: GenerateCheckAnswer,
  check: CheckAnswer,
  graph: GraphAnswer,
  skillInstall: SkillAnswer,
  error: ErrorAnswer,
} as const;

function draft7(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  return rest;
}

/** The whole contract: any line `fastdapr … --json` prints (draft-07, as Ajv's default reads it). */
export function cliOutputJsonSchema(): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "fastdapr --json answer",
    description: "The one line of JSON every fastdapr command prints on stdout under --json. ok tells success from error.",
    type: "object",
    anyOf: Object.keys(DEFINITIONS).map((name) => ({ $ref: `#/definitions/${name}` })),
    definitions: Object.fromEntries(Object.entries(DEFINITIONS).map(([name, schema]) => [name, draft7(schema)])),
  };
}

export const CLI_OUTPUT_SCHEMA_FILE = "schemas/cli-output.schema.json";

export function cliOutputJsonSchemaText(): string {
  return `${JSON.stringify(cliOutputJsonSchema(), null, 2)}\n`;
}
