// Dockerfile rules on the dockerfile-ast parse tree (hadolint is not available offline here).
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { type Problem, imageTagProblem, looksLikeSecretName } from "./common.js";

export interface DockerfileOptions {
  /** The service's app port; EXPOSE must equal it. */
  appPort?: number;
}

interface Stage {
  from: Instruction;
  name: string | null;
  instructions: Instruction[];
}

function isExecForm(instr: Instruction): boolean {
  const raw = (instr.getRawArgumentsContent() ?? "").trim();
  if (!raw.startsWith("[")) return false;
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");
  } catch {
    return false;
  }
}

/** Substitute `$VAR` / `${VAR}` / `${VAR:-default}` with global ARG defaults; collects names left unresolved. */
function substituteArgs(s: string, vars: Map<string, string>, unresolved: string[]): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const key = a ?? b ?? "";
    const v = vars.get(key) ?? def;
    if (v === undefined) unresolved.push(key);
    return v ?? "";
  });
}

export function validateDockerfile(file: string, text: string, opts: DockerfileOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const report = (rule: string, message: string) => problems.push({ file, rule, message });
  const df = DockerfileParser.parse(text);
  const line = (i: Instruction) => i.getRange().start.line + 1;

  // Global ARG defaults (before the first FROM) for resolving `FROM python:${PY}-slim`.
  const globalArgs = new Map<string, string>();
  for (const a of df.getInitialARGs()) {
    for (const p of a.getProperties()) {
      const v = p.getValue();
      if (v !== null) globalArgs.set(p.getName(), v);
    }
  }

  const stages: Stage[] = [];
  for (const instr of df.getInstructions()) {
    const kw = instr.getKeyword();
    if (kw === "FROM") {
      const args = instr.getArguments().map((a) => a.getValue());
      const asIdx = args.findIndex((a) => a.toUpperCase() === "AS");
      stages.push({ from: instr, name: asIdx >= 0 ? (args[asIdx + 1] ?? null) : null, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push(instr);
    }
  }

  if (stages.length < 2) report("dockerfile-multi-stage", `expected a multi-stage build (≥ 2 FROM), found ${stages.length}`);

  const stageNames = new Set<string>();
  for (const st of stages) {
    const image = st.from
      .getArguments()
      .map((a) => a.getValue())
      .find((a) => !a.startsWith("--"));
    if (image !== undefined) {
      const unresolved: string[] = [];
      const resolved = substituteArgs(image, globalArgs, unresolved);
      if (unresolved.length > 0) {
        report(
          "dockerfile-base-image-tag",
          `line ${line(st.from)}: base image "${image}" uses ${unresolved.map((u) => `$${u}`).join(", ")} without a default (declare ARG ${unresolved[0]}=<pinned> before the first FROM)`,
        );
      } else if (!stageNames.has(resolved.toLowerCase()) && resolved !== "scratch") {
        const p = imageTagProblem(resolved);
        if (p) report("dockerfile-base-image-tag", `line ${line(st.from)}: base ${p}`);
      }
    }
    if (st.name) stageNames.add(st.name.toLowerCase());
  }

  // Whole-file instruction rules.
  for (const instr of df.getInstructions()) {
    const kw = instr.getKeyword();
    if (kw === "ADD") {
      for (const a of instr.getArguments().map((x) => x.getValue())) {
        if (/^(https?|ftp):\/\//i.test(a) || /^git@/.test(a))
          report("dockerfile-add-url", `line ${line(instr)}: ADD of a URL (${a}); download in a RUN step with checksum or COPY`);
      }
    }
    if (kw === "ENV" || kw === "ARG") {
      const props = (instr as unknown as { getProperties(): { getName(): string }[] }).getProperties();
      for (const p of props) {
        if (looksLikeSecretName(p.getName()))
          report("dockerfile-secret-env", `line ${line(instr)}: ${kw} ${p.getName()} looks like a secret; pass secrets at run time or with --mount=type=secret`);
      }
    }
  }

  // pip caches: per stage, ENV PIP_NO_CACHE_DIR earlier in the stage (or in a stage it builds FROM).
  const stageHasNoCacheEnv = new Map<string, boolean>();
  for (const st of stages) {
    const parentImage = (
      st.from
        .getArguments()
        .map((a) => a.getValue())
        .find((a) => !a.startsWith("--")) ?? ""
    ).toLowerCase();
    let noCache = stageHasNoCacheEnv.get(parentImage) ?? false;
    for (const instr of st.instructions) {
      const kw = instr.getKeyword();
      if (kw === "ENV" || kw === "ARG") {
        const props = (instr as unknown as { getProperties(): { getName(): string }[] }).getProperties();
        if (props.some((p) => p.getName() === "PIP_NO_CACHE_DIR")) noCache = true;
      }
      if (kw === "RUN") {
        const body = instr.getRawArgumentsContent() ?? "";
        const pipInstall = /(^|[^\w-])(?<!uv )(python3?\s+-m\s+)?pip3?\s+install\b/.test(body);
        if (pipInstall && !noCache && !/--no-cache-dir/.test(body) && !/PIP_NO_CACHE_DIR=/.test(body) && !/--mount=type=cache/.test(body)) {
          report("dockerfile-pip-no-cache", `line ${line(instr)}: pip install without --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1)`);
        }
      }
    }
    if (st.name) stageHasNoCacheEnv.set(st.name.toLowerCase(), noCache);
  }

  const final = stages[stages.length - 1];
  if (!final) return problems;
  const finalOf = (kw: string) => final.instructions.filter((i) => i.getKeyword() === kw);

  // USER: last one in the final stage, numeric and not 0.
  const users = finalOf("USER");
  const lastUser = users[users.length - 1];
  if (!lastUser) {
    report("dockerfile-user", "final stage has no USER (runs as root); add USER 10001");
  } else {
    const u = (lastUser.getArgumentsContent() ?? "").trim().split(":")[0] ?? "";
    if (!/^\d+$/.test(u)) report("dockerfile-user", `line ${line(lastUser)}: USER ${u} must be a numeric UID (kubelet cannot verify runAsNonRoot for names)`);
    else if (Number(u) === 0) report("dockerfile-user", `line ${line(lastUser)}: USER 0 is root`);
  }

  // CMD / ENTRYPOINT in exec form.
  const starts = [...finalOf("CMD"), ...finalOf("ENTRYPOINT")];
  if (starts.length === 0) report("dockerfile-cmd-exec-form", "final stage has no CMD or ENTRYPOINT");
  for (const s of starts) {
    if (!isExecForm(s)) report("dockerfile-cmd-exec-form", `line ${line(s)}: ${s.getKeyword()} must use exec form (JSON array) so the app is PID 1 and gets SIGTERM`);
  }

  // HEALTHCHECK
  const hcs = finalOf("HEALTHCHECK");
  const hc = hcs[hcs.length - 1];
  if (!hc) {
    report("dockerfile-healthcheck", "final stage has no HEALTHCHECK");
  } else {
    const body = hc.getRawArgumentsContent() ?? "";
    if (/^\s*NONE\b/i.test(body)) report("dockerfile-healthcheck", `line ${line(hc)}: HEALTHCHECK NONE disables health checks`);
    else if (/\b(curl|wget)\b/.test(body)) report("dockerfile-healthcheck", `line ${line(hc)}: HEALTHCHECK uses curl/wget, which slim images lack; use python -c urllib`);
  }

  // EXPOSE
  if (opts.appPort !== undefined) {
    const exposed = finalOf("EXPOSE").flatMap((e) => e.getArguments().map((a) => a.getValue().split("/")[0]));
    if (exposed.length === 0) report("dockerfile-expose", `no EXPOSE; expected EXPOSE ${opts.appPort}`);
    for (const p of exposed) {
      if (p !== String(opts.appPort)) report("dockerfile-expose", `EXPOSE ${p} does not equal the app port ${opts.appPort}`);
    }
  }
  return problems;
}
