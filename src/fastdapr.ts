// The program bin/fastdapr.js runs (the bundle's entry, scripts/bundle.mjs): the command line, with
// `fastdapr mcp` wired to the MCP server. The one module that knows both interfaces; neither
// imports the other, both adapt the command layer (src/app, docs/design.md).
import { main as cli } from "./cli/main.js";
import type { Output } from "./cli/console.js";

export function main(argv: string[], output?: Output): Promise<number> {
  return cli(argv, output, {
    // loaded on demand: the MCP SDK costs ~0.2 s of start-up that no other command should pay
    serveMcp: async (cwd) => (await import("./mcp/server.js")).serveStdio(cwd),
  });
}
