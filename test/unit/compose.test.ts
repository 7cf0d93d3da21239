// The compose files of a lone service and of a platform, read as objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import type { ComposeFile } from "../../src/render/compose.js";
import { renderedPlatform } from "../support/platforms.js";

const composeFiles = (): [string, ComposeFile][] => [
  ["new", parse(renderServiceTree(buildServiceModel({ name: "solo-service", port: 8010 })).get("docker-compose.yml")!.content) as ComposeFile],
  ["learnflow", parse(renderedPlatform(learnflowPreset()).get("docker-compose.yml")!.content) as ComposeFile],
];

test("compose publishes app ports on loopback only, and nothing else", () => {
  for (const [which, compose] of composeFiles()) {
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name} ${p}`));
    assert.ok(published.length > 0, which);
    for (const entry of published) assert.match(entry, /^[a-z-]+ 127\.0\.0\.1:(\d+):\1$/, `${which}: ${entry}`);
  }
});

test("compose pins only the wiring the sidecar depends on, so the service's .env can change the rest", () => {
  for (const [which, compose] of composeFiles()) {
    const services = compose.services;
    for (const [name, sidecar] of Object.entries(services).filter(([n]) => n.endsWith("-dapr"))) {
      const app = services[name.slice(0, -"-dapr".length)]!;
      const command = sidecar.command ?? [];
      const environment = app.environment ?? {};
      const flag = (f: string) => command[command.indexOf(f) + 1];
      // environment: wins over env_file, so these are exactly what .env cannot (and must not) change
      assert.equal(environment.PORT, flag("--app-port"), `${which} ${name}`);
      assert.equal(environment.DAPR_HTTP_PORT, flag("--dapr-http-port"), `${which} ${name}`);
      assert.equal(environment.HOST, "0.0.0.0", `${which} ${name}: a .env copied from .env.example must not hide the app`);
      for (const tunable of ["LOG_LEVEL", "OPENAI_MODEL", "ACCESS_LOG", "OPENAI_BASE_URL"]) {
        assert.equal(environment[tunable], undefined, `${which} ${name}: ${tunable} would override the .env`);
      }
      assert.ok(
        app.env_file?.some((f) => f.path.endsWith(".env")),
        `${which} ${name}`,
      );
    }
  }
});
