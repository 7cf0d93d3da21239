// The value formats of flags and tool arguments, named in the command specs (spec.ts) and resolved
// here to the manifest's zod schemas: only the MCP server needs the schemas, so the CLI's start
// does not load zod to print its help or run a command.
import type { z } from "zod";
import { dnsLabel, pythonVersion, serviceName, ServiceSchema, stateKeyPattern, topicName } from "../manifest/schema.js";

export const VALUE_FORMATS = {
  topic: topicName,
  stateKey: stateKeyPattern,
  serviceName,
  dnsLabel,
  pythonVersion,
  port: ServiceSchema.shape.port,
} as const satisfies Record<string, z.ZodType>;

export type ValueFormat = keyof typeof VALUE_FORMATS;
