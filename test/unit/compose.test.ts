// The compose files of a lone service and of a platform, read as objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { renderedPlatform } from "../support/platforms.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const composeFiles = (): [string, Obj][] => [
  ["new", parse(renderServiceTree(buildServiceModel({ name: "solo-service", port: 8010 })).get("docker-compose.yml")!.content)],
  ["learnflow", parse(renderedPlatform(learnflowPreset()).get("docker-compose.yml")!.content)],
];

test("compose publishes app ports on loopback only, and nothing else", () => {
  for (const [which, compose] of composeFiles()) {
    const published = Object.entries(compose.services as Record<string, Obj>).flatMap(([name, s]) =>
      (s.ports ?? []).map((p: string) => `${name} ${p}`),
    );
    assert.ok(published.length > 0, which);
    for (const entry of published) assert.match(entry, /^[a-z-]+ 127\.0\.0\.1:(\d+):\1$/, `${which}: ${entry}`);
  }
});
