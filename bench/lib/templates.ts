// Equivalent templates for cookiecutter, copier, plop and hygen, built mechanically from the files
// of one service that `fastdapr new` generated: every file, byte for byte, with the service name
// replaced by each tool's variable. Each tool's own template syntax in the files is escaped, so the
// rendered output is the generated service again (checked by sameTree after each run).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** relative path → file text of every file under `root` */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(root, full), readFileSync(full, "utf8"));
    }
  };
  walk(root);
  return files;
}

/** the paths whose text differs between two trees, and the paths only one of them has */
export function treeDifferences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const [path, text] of expected) {
    if (!actual.has(path)) diffs.push(`missing ${path}`);
    else if (actual.get(path) !== text) diffs.push(`differs ${path}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) diffs.push(`extra ${path}`);
  return diffs;
}

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** text split on the service name: the pieces between which each tool puts its variable */
function pieces(text: string, name: string): string[] {
  return text.split(name);
}

// Jinja (cookiecutter, copier): literal text goes inside {% raw %} blocks
function jinja(text: string, name: string, variable: string): string {
  return pieces(text, name)
    .map((p) => (p === "" ? "" : `{% raw %}${p}{% endraw %}`))
    .join(`{{ ${variable} }}`);
}

export interface Templates {
  cookiecutter: string;
  copier: string;
  plop: string;
  hygen: string;
}

/**
 * Writes the four templates under `out` for the service in `serviceDir` named `name`:
 *  - cookiecutter: cookiecutter.json + {{cookiecutter.service_name}}/..., Jinja with raw blocks
 *  - copier: copier.yml + {{service_name}}/....jinja, Jinja with raw blocks
 *  - plop: plopfile.js with one addMany action over templates/{{name}}/..., Handlebars (\{{ escaped)
 *  - hygen: _templates/service/new/<n>.ejs.t, one per file, with `to:` front matter, EJS (<%% escaped)
 */
export function buildTemplates(serviceDir: string, name: string, out: string): Templates {
  const files = readTree(serviceDir);
  const t: Templates = {
    cookiecutter: join(out, "cookiecutter"),
    copier: join(out, "copier"),
    plop: join(out, "plop"),
    hygen: join(out, "hygen"),
  };

  put(join(t.cookiecutter, "cookiecutter.json"), `${JSON.stringify({ service_name: name }, null, 2)}\n`);
  put(join(t.copier, "copier.yml"), [`service_name:`, `  type: str`, `  default: ${name}`, `_templates_suffix: .jinja`, ""].join("\n"));
  put(
    join(t.plop, "plopfile.js"),
    [
      "export default function (plop) {",
      "  plop.setGenerator('service', {",
      "    prompts: [{ type: 'input', name: 'name', message: 'service name' }],",
      "    actions: [{ type: 'addMany', destination: '.', base: 'templates', templateFiles: 'templates/**/*', globOptions: { dot: true } }],",
      "  });",
      "}",
      "",
    ].join("\n"),
  );
  put(join(t.plop, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);

  let n = 0;
  for (const [path, text] of files) {
    const full = `${name}/${path}`;
    put(join(t.cookiecutter, full.split(name).join("{{cookiecutter.service_name}}")), jinja(text, name, "cookiecutter.service_name"));
    put(join(t.copier, `${full.split(name).join("{{service_name}}")}.jinja`), jinja(text, name, "service_name"));
    // Handlebars: \{{ prints {{ literally
    put(join(t.plop, "templates", full.split(name).join("{{name}}")), pieces(text.replaceAll("{{", "\\{{"), name).join("{{name}}"));
    // EJS: <%% prints <% literally; the body is everything after the front matter
    const body = pieces(text.replaceAll("<%", "<%%"), name).join("<%= name %>");
    put(join(t.hygen, "_templates", "service", "new", `${String(n++).padStart(3, "0")}.ejs.t`), `---\nto: ${full.split(name).join("<%= name %>")}\n---\n${body}`);
  }
  return t;
}
