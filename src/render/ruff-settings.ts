// The ruff settings of every generated project: written into its pyproject.toml (pyproject.ts), and
// the line length the generated Python is laid out for (python-layout.ts, python-format.ts).
export const RUFF_SETTINGS = { "target-version": "py311", "line-length": 100 } as const;
