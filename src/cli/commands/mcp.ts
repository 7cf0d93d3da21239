// `fastdapr mcp`: a Model Context Protocol server on stdin/stdout whose tools mirror the commands.
import type { Command } from "commander";
import type { CommandContext } from "../main.js";

export function registerMcp(program: Command, _ctx: CommandContext): void {
  program
    .command("mcp")
    .description("run a Model Context Protocol server over stdio (tools: new_service, init_platform, add_*, generate, check, describe_platform)")
    .action(async () => {
      // loaded on demand: the MCP SDK costs ~0.2 s of start-up that no other command should pay
      const { serveStdio } = await import("../../mcp/server.js");
      // stdout carries the protocol from here on: nothing else may print to it
      await serveStdio(process.cwd());
    });
}
