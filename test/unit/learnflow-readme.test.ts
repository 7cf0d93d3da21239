// The LearnFlow platform README's worked example must be one a learner could copy: the exercise
// answer it sends solves the exercise as stated, within the exercise's own rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { parseManifest } from "../../src/manifest/load.js";
import { buildPlatform } from "../../src/platform/build-platform.js";
import { learnflowPreset } from "../../src/manifest/presets/learnflow.js";
import { platformTree } from "../../src/commands/platform.js";

function learnflowFiles() {
  const text = learnflowPreset();
  const { manifest, positions } = parseManifest(text);
  return platformTree(buildPlatform(manifest, positions), text);
}

test("the README's example answer to sum-list solves it without the built-in sum()", () => {
  const tree = learnflowFiles();
  const statement = /id="sum-list"[\s\S]*?statement=([\s\S]*?),\n\s*concept=/.exec(tree.get("services/exercise-service/app/domain/exercises.py")!.content)![1]!;
  assert.match(statement, /without using the built-in sum\(\)/, "the rule the answer must follow");

  const readme = tree.get("README.md")!.content;
  const body = /-d '(\{[^']*"exercise_id": "sum-list"[^']*\})'/.exec(readme);
  assert.ok(body, "the README sends an answer to sum-list");
  const answer: string = JSON.parse(body[1]!).answer;
  assert.doesNotMatch(answer, /\bsum\s*\(/, "the exercise forbids sum()");
  // it defines total(numbers) and answers right, also for an empty list
  const check = `${answer}\nassert total([1, 2, 3.5]) == 6.5 and total([]) == 0\nprint("ok")`;
  assert.equal(execFileSync("python3", ["-c", check], { encoding: "utf8" }).trim(), "ok");
});
