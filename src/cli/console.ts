// Where the CLI prints: stdout and stderr, one line per call. Apart from output.ts (the printing
// helpers) so that the CLI's start does not load them, nor what they import, before a command runs.
export interface Output {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  };
}
