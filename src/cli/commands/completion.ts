// `fastdapr completion [bash|zsh]`: prints the shell completion script (text, also under --json).
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { COMMANDS, COMPLETION } from "../../app/spec.js";
import { registerSpec } from "../register.js";

export function registerCompletion(program: Command, ctx: CommandContext): void {
  registerSpec(program, COMPLETION).action(async () => {
    const { bashCompletion } = await import("../completion.js");
    // zsh runs the same function through bashcompinit (the script's second line says how)
    ctx.output.out(bashCompletion(COMMANDS));
  });
}
