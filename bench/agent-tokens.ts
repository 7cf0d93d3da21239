// Benchmark (not a test): what an AI coding agent reads back when fastdapr does the writing, against
// what it would put into its context writing the same files itself — the seed note's last table,
// measured. Tokens are estimated as characters / 4 for both sides.
//   npm run build && npx tsx bench/agent-tokens.ts
// Prints a Markdown table and writes bench/results/agent-tokens.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const BIN = resolve("bin/fastdapr.js");
const tokens = (chars: number): number => Math.round(chars / 4);

/** Every file under `root` except fastdapr's own state (.fastdapr/), as path → text. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== ".fastdapr") walk(path);
      } else files.set(relative(root, path), readFileSync(path, "utf8"));
    }
  };
  walk(root);
  return files;
}

interface Row {
  operation: string;
  command: string;
  /** Files the command created or changed: what the agent would otherwise have written. */
  files: number;
  fileChars: number;
  answer: string;
}

/** Runs one command with --json in `cwd` and measures the files it wrote under `root`. */
function measure(operation: string, argv: string[], cwd: string, root: string): Row {
  const before = snapshot(root);
  const run = spawnSync(process.execPath, [BIN, ...argv, "--json"], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`fastdapr ${argv.join(" ")} failed: ${run.stdout}${run.stderr}`);
  const after = snapshot(root);
  let files = 0;
  let fileChars = 0;
  for (const [path, text] of after) {
    if (before.get(path) === text) continue;
    files++;
    fileChars += text.length;
  }
  return { operation, command: `fastdapr ${argv.join(" ")}`, files, fileChars, answer: run.stdout.trim() };
}

const cwd = mkdtempSync(join(tmpdir(), "fastdapr-agent-tokens-"));
const rows: Row[] = [];
rows.push(
  measure(
    "Generate one service",
    [
      "new",
      "exercise-service",
      "--tier",
      "agent",
      "--subscribe",
      "exercise.request",
      "--publish",
      "exercise.response",
      "--state-key",
      "attempts:{user_id}:{exercise_id}",
      "--invoke",
      "progress-service",
    ],
    cwd,
    cwd,
  ),
);
rows.push(measure("Generate the LearnFlow platform (6 services)", ["init", "learnflow", "--preset", "learnflow"], cwd, cwd));
const lf = join(cwd, "learnflow");
rows.push(measure("Add a service to LearnFlow", ["add", "service", "notify-service", "--tier", "lightweight", "--subscribe", "exercise.response"], lf, lf));
rows.push(measure("Add pub/sub (a subscription)", ["add", "pubsub", "notify-service", "--subscribe", "struggle.alert"], lf, lf));
rows.push(measure("Add state management (a key pattern)", ["add", "state", "notify-service", "--key", "notified:{user_id}"], lf, lf));

// One-time costs of the agent interface itself, read once per session rather than per operation
const skill = readFileSync(resolve("skill/SKILL.md"), "utf8");
const client = new Client({ name: "agent-tokens-bench", version: "0" });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "mcp"], cwd: lf }));
const toolList = JSON.stringify((await client.listTools()).tools);
const described = await client.callTool({ name: "describe_platform", arguments: {} });
await client.close();
const describeChars = (described.content as { text: string }[])[0]!.text.length;
rmSync(cwd, { recursive: true, force: true });

const table = [
  "| Operation | Files written | Writing them: tokens (chars / 4) | fastdapr's answer: tokens | Saved |",
  "|---|---:|---:|---:|---:|",
  ...rows.map((r) => {
    const saved = 1 - r.answer.length / r.fileChars;
    return `| ${r.operation} | ${r.files} | ${tokens(r.fileChars).toLocaleString("en")} | ${tokens(r.answer.length)} | ${(saved * 100).toFixed(2)} % |`;
  }),
];
const overhead = [
  "| Read once per session | Characters | Tokens |",
  "|---|---:|---:|",
  `| skill/SKILL.md (when the skill is used) | ${skill.length.toLocaleString("en")} | ${tokens(skill.length).toLocaleString("en")} |`,
  `| MCP tools/list (10 tool definitions) | ${toolList.length.toLocaleString("en")} | ${tokens(toolList.length).toLocaleString("en")} |`,
  `| describe_platform on LearnFlow + notify-service | ${describeChars.toLocaleString("en")} | ${tokens(describeChars).toLocaleString("en")} |`,
];
console.log([...table, "", ...overhead].join("\n"));
for (const r of rows) console.log(`\n${r.command}\n  → ${r.answer}`);

const report = {
  benchmark: "tokens an agent reads back (fastdapr --json answer) vs. the files it would write itself; tokens = characters / 4",
  rows: rows.map((r) => ({ ...r, fileTokens: tokens(r.fileChars), answerChars: r.answer.length, answerTokens: tokens(r.answer.length) })),
  once: { skillChars: skill.length, mcpToolListChars: toolList.length, describePlatformChars: describeChars },
  node: process.version,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/agent-tokens.json", `${JSON.stringify(report, null, 2)}\n`);
