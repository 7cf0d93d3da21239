// Shell completion, derived from the command specs so it cannot miss a command, a flag or a choice.
// One bash function; zsh runs it through bashcompinit.
import { cliName } from "../app/input.js";
import type { CommandSpec } from "../app/spec.js";

function words(list: readonly string[]): string {
  return list.join(" ");
}

/** The flags of a command as typed: "--tier", "--no-agent", "--json". */
function flagsOf(spec: CommandSpec): string[] {
  return [
    ...spec.params.filter((p) => !p.positional).flatMap((p) => (p.negatable ? [cliName(p), cliName(p, true)] : [cliName(p)])),
    ...(spec.textOnly ? [] : ["--json"]),
    "--help",
  ];
}

/** A bash completion script for `commands` (source it, or `eval "$(fastdapr completion bash)"`). */
export function bashCompletion(commands: readonly CommandSpec[]): string {
  const top = [...new Set(commands.map((c) => c.path[0]!)), "mcp", "help"];
  const groups = [...new Set(commands.filter((c) => c.path.length > 1).map((c) => c.path[0]!))];
  const key = (c: CommandSpec) => c.path.join(" ");
  const choices = new Map<string, readonly string[]>();
  const paths = new Set<string>();
  for (const c of commands) {
    for (const p of c.params) {
      if (p.positional) continue;
      const flag = cliName(p);
      if (p.choices) choices.set(flag, p.choices);
      if (p.path) paths.add(flag);
    }
  }
  const lines = [
    '# bash completion for fastdapr: eval "$(fastdapr completion bash)" in ~/.bashrc',
    "# (zsh: autoload -U +X bashcompinit && bashcompinit first)",
    "_fastdapr() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="${COMP_WORDS[1]}"',
    "  COMPREPLY=()",
    "  if [[ $COMP_CWORD -eq 1 ]]; then",
    `    COMPREPLY=($(compgen -W "${words(top)} --help --version" -- "$cur"))`,
    "    return",
    "  fi",
    "  case $command in",
    ...groups.map((g) => {
      const subs = commands.filter((c) => c.path[0] === g && c.path.length > 1).map((c) => c.path[1]!);
      return `    ${g}) if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W "${words(subs)}" -- "$cur")); return; fi; command="${g} \${COMP_WORDS[2]}" ;;`;
    }),
    "  esac",
    "  case $prev in",
    ...[...choices].map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W "${words(values)}" -- "$cur")); return ;;`),
    ...(paths.size ? [`    ${[...paths].join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`] : []),
    "  esac",
    "  [[ $cur == -* ]] || return",
    "  local flags",
    '  case "$command" in',
    ...commands.map((c) => `    "${key(c)}") flags="${words(flagsOf(c))}" ;;`),
    "  esac",
    '  COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    "}",
    "complete -o default -F _fastdapr fastdapr",
    "",
  ];
  return lines.join("\n");
}
