// What a command's action gets besides its flags: where to print, the exit code it settles on, and
// the other interface it may start (`fastdapr mcp`), passed in by the program (src/fastdapr.ts) so
// that the command line never imports the MCP server.
import type { Output } from "./console.js";

export interface Interfaces {
  /** Serves the MCP tools on stdin/stdout in `cwd` until the client goes away. */
  serveMcp?: (cwd: string) => Promise<void>;
}

export interface CommandContext extends Interfaces {
  output: Output;
  /** The exit code the command settled on (0 unless it says otherwise). */
  exitCode: number;
}
