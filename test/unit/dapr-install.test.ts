// The Dapr install commands a restricted namespace needs are in every generated README and in the
// docs, word for word as src/dapr-install.ts builds them, with the pinned Dapr version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/core/package-root.js";
import { daprInitCommand, DAPR_HELM, helmInstallCommands, POD_SECURITY_RESTRICTED, restrictedNamespaceCommands } from "../../src/dapr-install.js";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderServiceTree } from "../../src/commands/new.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { renderedPlatform } from "../support/platforms.js";

const pinned = (JSON.parse(readFileSync(join(PACKAGE_ROOT, "runtime-versions.json"), "utf8")) as { dapr: string }).dapr;
const INSTALL = [daprInitCommand(), ...helmInstallCommands()];

test("the install commands pin the runtime version and drop the sidecar's capabilities", () => {
  assert.equal(DAPR_HELM.version, pinned);
  assert.deepEqual(DAPR_HELM.values, { "dapr_sidecar_injector.sidecarDropALLCapabilities": "true" });
  assert.equal(daprInitCommand(), `dapr init -k --runtime-version ${pinned} --set dapr_sidecar_injector.sidecarDropALLCapabilities=true --wait`);
  assert.match(
    helmInstallCommands()[1]!,
    new RegExp(
      `^helm upgrade --install dapr dapr/dapr --version ${pinned.replace(/\./g, "\\.")} --namespace dapr-system .*--set dapr_sidecar_injector\\.sidecarDropALLCapabilities=true$`,
    ),
  );
  assert.deepEqual(POD_SECURITY_RESTRICTED, { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" });
});

test("every generated README carries them: the platform's, each of its services', a lone service's", () => {
  const platform = renderedPlatform(learnflowPreset());
  const readmes = platform.list().filter((f) => f.path.endsWith("README.md"));
  assert.equal(readmes.length, 7);
  const lone = renderServiceTree(buildServiceModel({ name: "solo-service" }));
  readmes.push(lone.get("README.md")!);
  for (const readme of readmes) {
    for (const command of INSTALL) assert.ok(readme.content.includes(`\n${command}\n`), `${readme.path}: ${command}`);
    assert.doesNotMatch(readme.content, /`dapr init -k`/, readme.path);
  }
  // and the namespace, labelled for restricted, where the README deploys to a namespace itself
  const platformReadme = platform.get("README.md")!.content;
  for (const command of restrictedNamespaceCommands("learnflow")) assert.ok(platformReadme.includes(`\n${command}\n`), command);
  for (const command of restrictedNamespaceCommands("solo-service")) assert.ok(lone.get("README.md")!.content.includes(`\n${command}\n`), command);
});

test("the docs quote the same commands, with the same version", () => {
  for (const doc of ["docs/generated-service.md", "docs/security.md"]) {
    const text = readFileSync(join(PACKAGE_ROOT, doc), "utf8");
    for (const command of INSTALL) assert.ok(text.includes(command), `${doc}: ${command}`);
    // any Dapr version a doc names for an install is the pinned one
    for (const m of text.matchAll(/(?:--runtime-version|--version) (\d+\.\d+\.\d+)/g)) assert.equal(m[1], pinned, doc);
  }
});
