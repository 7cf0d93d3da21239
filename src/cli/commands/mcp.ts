// `fastdapr mcp`: a Model Context Protocol server on stdin/stdout whose tools mirror the commands.
// The server is src/mcp; the program (src/fastdapr.ts) hands it in as ctx.serveMcp.
import type { Command } from "commander";
import type { CommandContext } from "../context.js";

export function registerMcp(program: Command, ctx: CommandContext): void {
  program
    .command("mcp")
    .description("run a Model Context Protocol server over stdio (tools: new_service, init_platform, add_*, generate, check, describe_platform)")
    .action(async () => {
      if (!ctx.serveMcp) throw new Error("this build of the command line has no MCP server (run bin/fastdapr.js)");
      // stdout carries the protocol from here on: nothing else may print to it
      await ctx.serveMcp(process.cwd());
    });
}
