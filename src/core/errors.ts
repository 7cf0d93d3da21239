// User-facing errors: each carries a stable code, the place it refers to and a hint for the fix.
// The CLI prints them (or one JSON line) and exits with `exitCode`; nothing else is shown.

export const EXIT = {
  ok: 0,
  checkFailed: 1, // a check found a problem (drift, graph error, edited generated file)
  badInput: 2, // bad flags, manifest or path; nothing was written
  busy: 3, // another fastdapr run holds the lock on this folder
  internal: 70, // a bug in fastdapr (EX_SOFTWARE)
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One of several problems an error reports at once (every invalid field of a manifest). */
export interface Problem {
  code: string;
  message: string;
  location: string;
  hint?: string;
}

/** A command's parameter an error is about, by its key in the command's spec (src/app/spec.ts). */
export interface ParamRef {
  key: string;
  /** The negated flag (`--no-agent` on the command line) was given. */
  negated?: boolean;
}

export interface ErrorDetails {
  /** Where the problem is: "--port", "fastdapr.yaml:12:5", a file path. */
  location?: string;
  /** The parameter, when the problem is one: each interface names it its own way ("--port" or "port"). */
  param?: ParamRef;
  hint?: string;
  exitCode?: ExitCode;
  /** Every problem found, the error itself first, when there are more than one. */
  problems?: Problem[];
}

export class FastdaprError extends Error {
  readonly code: string;
  readonly location: string | undefined;
  readonly param: ParamRef | undefined;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  readonly problems: Problem[] | undefined;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "FastdaprError";
    this.code = code;
    this.location = details.location;
    this.param = details.param;
    this.hint = details.hint;
    this.exitCode = details.exitCode ?? EXIT.badInput;
    this.problems = details.problems;
  }
}

/**
 * Runs a check that names its place with a label (the path confinement of src/tree/paths.ts) and
 * rethrows its error keyed by the parameter `key` instead, so that each interface spells it.
 */
export function atParam<T>(key: string, check: (label: string) => T): T {
  try {
    return check(key);
  } catch (error) {
    if (!(error instanceof FastdaprError) || error.location !== key) throw error;
    throw new FastdaprError(error.code, error.message, {
      param: { key },
      ...(error.hint ? { hint: error.hint } : {}),
      exitCode: error.exitCode,
      ...(error.problems ? { problems: error.problems } : {}),
    });
  }
}
