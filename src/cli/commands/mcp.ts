// `fastdapr mcp`: a Model Context Protocol server on stdin/stdout whose tools mirror the commands.
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { serveStdio } from "../../mcp/server.js";

export function registerMcp(program: Command, _ctx: CommandContext): void {
  program
    .command("mcp")
    .description("run a Model Context Protocol server over stdio (tools: new_service, init_platform, add_*, generate, check, describe_platform)")
    .action(async () => {
      // stdout carries the protocol from here on: nothing else may print to it
      await serveStdio(process.cwd());
    });
}
