// The report's chart, drawn by code from the results: an SVG of three panels
//   1. one service: median wall time per generator (linear ms)
//   2. platform generation: median time against the number of services (linear, with points)
//   3. state read throughput per concurrency level: shared client, per-call client, raw daprd (log)
// Elements are built as data and serialised with escaping; no hand-drawn parts.

type Attrs = Record<string, string | number>;
interface El {
  tag: string;
  attrs: Attrs;
  children: (El | string)[];
}
const el = (tag: string, attrs: Attrs = {}, ...children: (El | string)[]): El => ({ tag, attrs, children });

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
function serialise(e: El | string): string {
  if (typeof e === "string") return escape(e);
  const attrs = Object.entries(e.attrs)
    .map(([k, v]) => ` ${k}="${escape(String(v))}"`)
    .join("");
  return e.children.length ? `<${e.tag}${attrs}>${e.children.map(serialise).join("")}</${e.tag}>` : `<${e.tag}${attrs}/>`;
}

const COLORS = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c"];
const W = 920;
const PANEL_H = 260;
const text = (x: number, y: number, s: string, a: Attrs = {}) => el("text", { x, y, "font-size": 12, ...a }, s);

export interface ChartData {
  single: { label: string; ms: number }[];
  /** `series`: part of the synthetic size series (joined by a line) */
  platforms: { services: number; ms: number; label: string; series: boolean }[];
  stateRead: { concurrency: number; series: { label: string; rps: number }[] }[];
}

function singlePanel(d: ChartData["single"], y0: number): El[] {
  const left = 170;
  const width = W - left - 120;
  const max = Math.max(...d.map((x) => x.ms));
  const bar = 26;
  const out: El[] = [text(20, y0 + 20, "One service, whole process: median wall time (ms, lower is faster)", { "font-weight": "bold", "font-size": 14 })];
  d.forEach((x, i) => {
    const y = y0 + 40 + i * (bar + 10);
    const w = Math.max(1, (x.ms / max) * width);
    out.push(text(left - 8, y + bar / 2 + 4, x.label, { "text-anchor": "end" }));
    out.push(el("rect", { x: left, y, width: w.toFixed(1), height: bar, fill: COLORS[i % COLORS.length]! }));
    out.push(text(left + w + 6, y + bar / 2 + 4, `${Math.round(x.ms)} ms`));
  });
  return out;
}

function platformPanel(d: ChartData["platforms"], y0: number): El[] {
  const left = 80;
  const right = W - 40;
  const top = y0 + 40;
  const bottom = y0 + PANEL_H - 40;
  const maxX = Math.max(...d.map((p) => p.services));
  const maxY = Math.max(...d.map((p) => p.ms)) * 1.1;
  const sx = (v: number) => left + (v / maxX) * (right - left);
  const sy = (v: number) => bottom - (v / maxY) * (bottom - top);
  const out: El[] = [text(20, y0 + 20, "fastdapr generate: median wall time (s) against services in the manifest", { "font-weight": "bold", "font-size": 14 })];
  out.push(el("line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#555" }), el("line", { x1: left, y1: top, x2: left, y2: bottom, stroke: "#555" }));
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    out.push(text(left - 6, sy(v) + 4, (v / 1000).toFixed(1), { "text-anchor": "end", fill: "#555" }));
    out.push(el("line", { x1: left, y1: sy(v), x2: right, y2: sy(v), stroke: "#eee" }));
  }
  // the synthetic sizes form the line; other platforms (LearnFlow) are points of their own colour
  const sorted = [...d].sort((a, b) => a.services - b.services);
  const line = sorted.filter((p) => p.series);
  out.push(el("polyline", { points: line.map((p) => `${sx(p.services).toFixed(1)},${sy(p.ms).toFixed(1)}`).join(" "), fill: "none", stroke: COLORS[0]!, "stroke-width": 2 }));
  for (const p of sorted) {
    const nearRight = sx(p.services) > right - 120;
    out.push(el("circle", { cx: sx(p.services).toFixed(1), cy: sy(p.ms).toFixed(1), r: 4, fill: p.series ? COLORS[0]! : COLORS[1]! }));
    // series labels above their point, others below, so neighbours at small sizes do not overlap
    out.push(text(sx(p.services) + (nearRight ? -8 : 6), sy(p.ms) + (p.series ? -8 : 16), p.label, { fill: "#333", "text-anchor": nearRight ? "end" : "start" }));
    out.push(text(sx(p.services), bottom + 16, String(p.services), { "text-anchor": "middle", fill: "#555" }));
  }
  out.push(text((left + right) / 2, bottom + 32, "services", { "text-anchor": "middle", fill: "#555" }));
  return out;
}

function statePanel(d: ChartData["stateRead"], y0: number): El[] {
  const left = 80;
  const right = W - 40;
  const top = y0 + 50;
  const bottom = y0 + PANEL_H - 30;
  const all = d.flatMap((g) => g.series.map((s) => s.rps)).filter((v) => v > 0);
  // a decade of room below the smallest bar, so it stays visible
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all) / 2));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const sy = (v: number) => bottom - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (bottom - top);
  const out: El[] = [text(20, y0 + 20, "State read beside real daprd + Redis: requests per second (log scale, higher is better)", { "font-weight": "bold", "font-size": 14 })];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(el("line", { x1: left, y1: sy(v), x2: right, y2: sy(v), stroke: "#eee" }));
    out.push(text(left - 6, sy(v) + 4, String(v), { "text-anchor": "end", fill: "#555" }));
  }
  const labels = d[0]?.series.map((s) => s.label) ?? [];
  labels.forEach((label, i) => {
    out.push(el("rect", { x: left + 10 + i * 230, y: y0 + 30, width: 12, height: 12, fill: COLORS[i % COLORS.length]! }));
    out.push(text(left + 28 + i * 230, y0 + 40, label));
  });
  const groupW = (right - left) / d.length;
  const barW = Math.min(50, (groupW - 40) / Math.max(1, labels.length));
  d.forEach((g, gi) => {
    const gx = left + gi * groupW + (groupW - barW * g.series.length) / 2;
    g.series.forEach((s, si) => {
      const y = sy(s.rps);
      out.push(el("rect", { x: (gx + si * barW).toFixed(1), y: y.toFixed(1), width: (barW - 4).toFixed(1), height: (bottom - y).toFixed(1), fill: COLORS[si % COLORS.length]! }));
      out.push(text(gx + si * barW + (barW - 4) / 2, y - 4, String(Math.round(s.rps)), { "text-anchor": "middle", "font-size": 10 }));
    });
    out.push(text(left + gi * groupW + groupW / 2, bottom + 16, `concurrency ${g.concurrency}`, { "text-anchor": "middle", fill: "#555" }));
  });
  out.push(el("line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#555" }));
  return out;
}

export function chartSvg(d: ChartData, caption: string): string {
  const panels = [singlePanel(d.single, 0), platformPanel(d.platforms, PANEL_H), statePanel(d.stateRead, PANEL_H * 2)];
  const H = PANEL_H * 3 + 30;
  const svg = el(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "font-family": "sans-serif" },
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }),
    ...panels.flat(),
    text(20, H - 10, caption, { fill: "#777", "font-size": 11 }),
  );
  return `${serialise(svg)}\n`;
}
