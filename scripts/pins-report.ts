// Reports the pinned versions that are behind the newest release, before a release of the
// templates: the Python packages generated services pin (src/versions.ts; PyPI's JSON API) and the
// npm packages fastdapr itself depends on (package-lock.json; `npm view`). It also re-checks the
// evidence behind PYTHON_VERSIONS: for each Python 3.x, whether every pinned package allows it
// (requires-python), installs from a wheel on it, and declares it (trove classifiers).
//
//   npx tsx scripts/pins-report.ts                               # Markdown on stdout
//   npx tsx scripts/pins-report.ts > docs/dependency-pins.md     # the copy the docs keep
//
// A report, not a test: it needs the network, and a newer release upstream is not a failure here.
// Exit 0 when it could ask every registry, 1 when a lookup failed.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PACKAGE_ROOT } from "../src/core/package-root.js";
import { PYTHON_AGENT_DEPENDENCIES, PYTHON_DEPENDENCIES, PYTHON_DEV_DEPENDENCIES, PYTHON_VERSION, PYTHON_VERSIONS } from "../src/versions.js";

const run = promisify(execFile);

interface PypiFile {
  filename: string;
  requires_python: string | null;
  yanked?: boolean;
}
interface PypiProject {
  info: { version: string; classifiers: string[]; requires_python: string | null };
  releases: Record<string, PypiFile[]>;
}

interface PinRow {
  name: string;
  pinned: string;
  newest: string;
  group: string;
}

const failures: string[] = [];

async function pypi(name: string): Promise<PypiProject | undefined> {
  try {
    const res = await fetch(`https://pypi.org/pypi/${encodeURIComponent(name)}/json`, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as PypiProject;
  } catch (error) {
    failures.push(`PyPI ${name}: ${(error as Error).message}`);
    return undefined;
  }
}

async function npmNewest(name: string): Promise<string | undefined> {
  try {
    const { stdout } = await run("npm", ["view", name, "version"], { timeout: 60_000 });
    return stdout.trim();
  } catch (error) {
    failures.push(`npm ${name}: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

/** Compares dotted release numbers (1.10.0 > 1.9.2); a pre-release suffix sorts as its number. */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether a requires-python specifier (">=3.11", ">=3.8,<4", "!=3.0.*") admits Python 3.<minor>. */
function allows(spec: string | null, minor: number): boolean {
  if (!spec) return true;
  return spec.split(",").every((clause) => {
    const m = /^\s*(>=|<=|==|!=|~=|>|<)\s*3(?:\.(\d+|\*))?(?:\.(\d+|\*))?\s*$/.exec(clause);
    if (!m) return true; // a clause about Python 2, or one this report does not read: not a reason to refuse
    const op = m[1]!;
    const v = m[2] === undefined || m[2] === "*" ? 0 : Number(m[2]);
    const wildcard = m[2] === "*" || m[3] === "*";
    switch (op) {
      case ">=":
      case "~=":
        return minor >= v;
      case ">":
        return m[3] !== undefined ? minor >= v : minor > v;
      case "<":
        return minor < v;
      case "<=":
        return minor <= v;
      case "==":
        return minor === v;
      case "!=":
        return !(wildcard && minor === v);
      default:
        return true;
    }
  });
}

interface PythonSupport {
  /** requires-python of the pinned release's files */
  requires: string | null;
  /** "pure": a py3-none wheel; otherwise the CPython minors with a wheel (cp313 → 13) */
  wheels: "pure" | Set<number>;
  /** Python 3.x minors the trove classifiers declare; known only when the pin is the newest release (PyPI's JSON describes the newest) */
  declared: Set<number> | undefined;
}

function pythonSupport(project: PypiProject, pinned: string): PythonSupport {
  const files = (project.releases[pinned] ?? []).filter((f) => !f.yanked);
  const wheels = files.filter((f) => f.filename.endsWith(".whl"));
  const pure = wheels.some((f) => /-py3-none-any\.whl$|-py2\.py3-none-any\.whl$/.test(f.filename) || /-py3-none-/.test(f.filename));
  const cp = new Set(wheels.flatMap((f) => [...f.filename.matchAll(/-cp3(\d+)-/g)].map((m) => Number(m[1]))));
  const declared = project.info.version === pinned
    ? new Set(project.info.classifiers.flatMap((c) => {
        const m = /^Programming Language :: Python :: 3\.(\d+)$/.exec(c);
        return m ? [Number(m[1])] : [];
      }))
    : undefined;
  return { requires: files[0]?.requires_python ?? null, wheels: pure ? "pure" : cp, declared: declared && declared.size > 0 ? declared : undefined };
}

/** The exact version `name==version`'s wheel pins `dependency` to (its METADATA's Requires-Dist). */
async function pinnedRequirement(name: string, version: string, dependency: string, project: PypiProject | undefined): Promise<string | undefined> {
  const wheel = project?.releases[version]?.find((f) => f.filename.endsWith(".whl")) as (PypiFile & { url: string }) | undefined;
  if (!wheel) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "fastdapr-pins-"));
  try {
    const res = await fetch(new URL(wheel.url, `https://pypi.org/pypi/${name}/json`), { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const file = join(dir, wheel.filename);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { stdout } = await run("python3", [
      "-c",
      "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read(next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))).decode())",
      file,
    ]);
    const escaped = dependency.replace(/[-_.]/g, "[-_.]");
    return new RegExp(`^Requires-Dist: ${escaped}\\s*==\\s*([^\\s;,]+)`, "im").exec(stdout)?.[1];
  } catch (error) {
    failures.push(`${name} ${version} wheel metadata: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

async function main(): Promise<void> {
  const python: [string, string, string][] = [
    ...Object.entries(PYTHON_DEPENDENCIES).map(([n, v]) => [n, v, "runtime"] as [string, string, string]),
    ...Object.entries(PYTHON_AGENT_DEPENDENCIES).map(([n, v]) => [n, v, "agent (openai backend)"] as [string, string, string]),
    ...Object.entries(PYTHON_DEV_DEPENDENCIES).map(([n, v]) => [n, v, "dev"] as [string, string, string]),
  ];
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  const npm: [string, string, string][] = [
    ...Object.keys(pkg.dependencies).map((n) => [n, lock.packages[`node_modules/${n}`]?.version ?? pkg.dependencies[n]!, "dependency"] as [string, string, string]),
    ...Object.keys(pkg.devDependencies).map((n) => [n, lock.packages[`node_modules/${n}`]?.version ?? pkg.devDependencies[n]!, "devDependency"] as [string, string, string]),
  ];

  // pydantic-core is pinned by pydantic, not by us, but its wheels decide which Pythons install
  const projects = new Map<string, PypiProject | undefined>();
  await Promise.all([...python.map(([n]) => n), "pydantic-core"].map(async (n) => projects.set(n, await pypi(n))));
  const npmNewestByName = new Map<string, string | undefined>();
  // a few at a time: each `npm view` is a process
  for (let i = 0; i < npm.length; i += 6) {
    await Promise.all(npm.slice(i, i + 6).map(async ([n]) => npmNewestByName.set(n, await npmNewest(n))));
  }

  const pythonRows: PinRow[] = python.map(([name, pinned, group]) => ({ name, pinned, group, newest: projects.get(name)?.info.version ?? "?" }));
  const npmRows: PinRow[] = npm.map(([name, pinned, group]) => ({ name, pinned, group, newest: npmNewestByName.get(name) ?? "?" }));
  const status = (r: PinRow) => (r.newest === "?" ? "lookup failed" : compareVersions(r.newest, r.pinned) > 0 ? "**behind**" : "current");

  // which pydantic-core the pinned pydantic requires, from its wheel's METADATA (the project JSON's
  // requires_dist can lag behind the files, and PyPI serves no separate metadata file here)
  const core = projects.get("pydantic-core");
  const corePin = await pinnedRequirement("pydantic", PYTHON_DEPENDENCIES.pydantic, "pydantic-core", projects.get("pydantic"));

  const support = new Map<string, PythonSupport>();
  for (const [name, pinned] of python) {
    const p = projects.get(name);
    if (p) support.set(`${name}==${pinned}`, pythonSupport(p, pinned));
  }
  if (core && corePin) support.set(`pydantic-core==${corePin}`, pythonSupport(core, corePin));

  const minors = [10, 11, 12, 13, 14, 15, 16];
  const verdicts = minors.map((minor) => {
    const excluded: string[] = [];
    const noWheel: string[] = [];
    const undeclared: string[] = [];
    for (const [pin, s] of support) {
      if (!allows(s.requires, minor)) excluded.push(pin);
      else if (s.wheels !== "pure" && !s.wheels.has(minor)) noWheel.push(pin);
      if (s.declared && !s.declared.has(minor)) undeclared.push(pin);
    }
    const installs = excluded.length === 0 && noWheel.length === 0;
    const why = [excluded.length ? `requires-python excludes it: ${excluded.join(", ")}` : "", noWheel.length ? `no wheel: ${noWheel.join(", ")}` : ""]
      .filter(Boolean)
      .join("; ");
    const version = `3.${minor}`;
    const offered = (PYTHON_VERSIONS as readonly string[]).includes(version) ? `yes${version === PYTHON_VERSION ? " (default)" : ""}` : "no";
    return [version, installs ? "yes" : `no (${why})`, undeclared.join(", ") || "—", offered];
  });

  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    "# Dependency pins",
    "",
    `Output of \`npx tsx scripts/pins-report.ts\` on ${date}; run it before each release of the templates`,
    "and bump the pins it marks **behind** in `src/versions.ts` (Python) or `package.json` (npm), then run",
    "the generated-code and end-to-end tests. \"newest\" is the registry's newest release.",
    "",
    "## Python packages the generated services pin (src/versions.ts)",
    "",
    table(["package", "group", "pinned", "newest", ""], pythonRows.map((r) => [r.name, r.group, r.pinned, r.newest, status(r)])),
    "",
    `pydantic-core ${corePin ?? "(unknown)"} is pinned by pydantic ${PYTHON_DEPENDENCIES.pydantic}, not by us; its wheels count below.`,
    "",
    "## Python versions the pins support",
    "",
    "\"installs\": every pinned package allows it (`requires-python`) and has a wheel for it (pure Python,",
    "or a CPython wheel of that version). \"not declared by\": the pins whose trove classifiers do not list",
    "it (read only when the pin is the newest release, which PyPI's JSON describes). fastdapr offers a",
    "version that installs, is declared by the packages that matter for it (FastAPI, uvicorn, pydantic",
    "and pydantic-core, openai), and on whose ruff/mypy target the generated code is checked clean",
    "(src/versions.ts `PYTHON_VERSIONS`; docs/generated-service.md, \"Python version\").",
    "",
    table(["Python", "installs", "not declared by", "fastdapr offers it"], verdicts),
    "",
    "## npm packages of fastdapr (package-lock.json)",
    "",
    table(["package", "group", "locked", "newest", ""], npmRows.map((r) => [r.name, r.group, r.pinned, r.newest, status(r)])),
    "",
  ];
  if (failures.length) lines.push("## Lookups that failed", "", ...failures.map((f) => `- ${f}`), "");
  process.stdout.write(lines.join("\n"));
  if (failures.length) process.exitCode = 1;
}

await main();
