// A small line-chart writer for the benchmark figures under docs/bench/: plain SVG text, no
// dependencies, so a chart is reproducible from the bench alone and diffs as text. Axes with
// ticks and labels, several named series with a legend, dark on white, sized for 800×450.

export interface PlotPoint {
  x: number;
  y: number;
  /** Drawn as a cross: a point where the load was not held (the chart's flagLabel says what that means). */
  flagged?: boolean;
}

export interface PlotSeries {
  name: string;
  points: PlotPoint[];
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
  /** Legend text for flagged points; the entry shows only when a point is flagged. */
  flagLabel?: string;
}

export interface PanelSize {
  width: number;
  height: number;
}

export interface Scale {
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
}

/** Okabe–Ito: tells the series apart for colour-blind readers too, and prints dark enough on white. */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const ink = '#222222';
const grid = '#dddddd';

/** The margins round the plot box of one panel: room for the title and legend above, tick and axis labels left and below. */
const margin = { left: 84, right: 28, top: 76, bottom: 62 };

/**
 * Axis bounds on round numbers (1, 2 or 5 × 10^k apart), about `target` ticks, zero included:
 * a curve against load reads from the origin, and a flat curve should look flat rather than
 * be stretched over a narrow band.
 */
export function niceScale(values: number[], target = 5): Scale {
  const finite = values.filter(Number.isFinite);
  let lo = Math.min(0, ...finite);
  let hi = Math.max(0, ...finite);
  if (hi === lo) hi = lo + 1;
  const rough = (hi - lo) / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Number(([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude).toPrecision(12));
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 1e6; i++) ticks.push(round(lo + i * step, step));
  return { lo, hi, step, ticks };
}

/** Removes float noise (0.30000000000000004) from a multiple of step. */
const round = (value: number, step: number) => Number(value.toFixed(decimals(step)));

/** As many decimals as the step has (0.25 → 2, 50 → 0), so every tick label has the same. */
const decimals = (step: number) => (String(step).split('.')[1] ?? '').length;

export function formatTick(value: number, step: number): string {
  const d = decimals(step);
  return Math.abs(value) >= 10_000 ? value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : value.toFixed(d);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const num = (v: number) => String(Math.round(v * 10) / 10);

/** Rough width of a label at 13 px sans-serif, for laying out the legend without a font. */
const textWidth = (text: string, px = 13) => text.length * px * 0.56;

/** One panel as a <g>, its top-left corner at (x0, y0). */
export function renderChart(chart: LineChart, x0 = 0, y0 = 0, size: PanelSize = { width: 800, height: 450 }): string {
  const box = { left: margin.left, top: margin.top, right: size.width - margin.right, bottom: size.height - margin.bottom };
  const points = chart.series.flatMap((s) => s.points);
  const xs = niceScale(points.map((p) => p.x));
  const ys = niceScale(points.map((p) => p.y));
  const px = (x: number) => box.left + ((x - xs.lo) / (xs.hi - xs.lo)) * (box.right - box.left);
  const py = (y: number) => box.bottom - ((y - ys.lo) / (ys.hi - ys.lo)) * (box.bottom - box.top);
  const out: string[] = [`<g transform="translate(${x0},${y0})">`];
  out.push(`<text x="${size.width / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold" fill="${ink}">${escapeXml(chart.title)}</text>`);

  out.push(`<rect class="plot" x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="none" stroke="${grid}"/>`);
  for (const t of ys.ticks) {
    const y = num(py(t));
    out.push(`<line x1="${box.left}" y1="${y}" x2="${box.right}" y2="${y}" stroke="${grid}" stroke-width="1"/>`);
    out.push(`<line x1="${box.left - 5}" y1="${y}" x2="${box.left}" y2="${y}" stroke="${ink}"/>`);
    out.push(`<text class="tick" x="${box.left - 8}" y="${y}" dy="4" text-anchor="end" font-size="12" fill="${ink}">${formatTick(t, ys.step)}</text>`);
  }
  for (const t of xs.ticks) {
    const x = num(px(t));
    out.push(`<line x1="${x}" y1="${box.top}" x2="${x}" y2="${box.bottom}" stroke="${grid}" stroke-width="1"/>`);
    out.push(`<line x1="${x}" y1="${box.bottom}" x2="${x}" y2="${box.bottom + 5}" stroke="${ink}"/>`);
    out.push(`<text class="tick" x="${x}" y="${box.bottom + 20}" text-anchor="middle" font-size="12" fill="${ink}">${formatTick(t, xs.step)}</text>`);
  }
  out.push(`<line class="axis" x1="${box.left}" y1="${box.bottom}" x2="${box.right}" y2="${box.bottom}" stroke="${ink}" stroke-width="1.5"/>`);
  out.push(`<line class="axis" x1="${box.left}" y1="${box.top}" x2="${box.left}" y2="${box.bottom}" stroke="${ink}" stroke-width="1.5"/>`);
  out.push(`<text class="axis-label" x="${(box.left + box.right) / 2}" y="${size.height - 18}" text-anchor="middle" font-size="14" fill="${ink}">${escapeXml(chart.xLabel)}</text>`);
  const midY = (box.top + box.bottom) / 2;
  out.push(`<text class="axis-label" x="22" y="${midY}" transform="rotate(-90 22 ${midY})" text-anchor="middle" font-size="14" fill="${ink}">${escapeXml(chart.yLabel)}</text>`);

  chart.series.forEach((series, i) => {
    const colour = palette[i % palette.length]!;
    const sorted = [...series.points].filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    const dash = series.dashed ? ' stroke-dasharray="7 5"' : '';
    out.push(`<polyline class="series" data-series="${escapeXml(series.name)}" points="${sorted.map((p) => `${num(px(p.x))},${num(py(p.y))}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"${dash}/>`);
    for (const p of sorted) {
      const [x, y] = [px(p.x), py(p.y)];
      if (p.flagged) out.push(cross(x, y, colour));
      else out.push(`<circle cx="${num(x)}" cy="${num(y)}" r="4" fill="${colour}"/>`);
    }
  });

  // The legend runs along the top under the title, wrapping: it never covers a curve.
  const entries = chart.series.map((s, i) => ({ name: s.name, colour: palette[i % palette.length]!, dashed: s.dashed === true, flag: false }));
  if (chart.flagLabel && points.some((p) => p.flagged)) entries.push({ name: chart.flagLabel, colour: ink, dashed: false, flag: true });
  let lx = box.left;
  let ly = 50;
  for (const entry of entries) {
    const width = 34 + textWidth(entry.name) + 22;
    if (lx + width > box.right && lx > box.left) {
      lx = box.left;
      ly += 18;
    }
    if (entry.flag) out.push(cross(lx + 14, ly - 4, entry.colour));
    else out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 28}" y2="${ly - 4}" stroke="${entry.colour}" stroke-width="2.5"${entry.dashed ? ' stroke-dasharray="7 5"' : ''}/><circle cx="${lx + 14}" cy="${ly - 4}" r="4" fill="${entry.colour}"/>`);
    out.push(`<text class="legend" x="${lx + 34}" y="${ly}" font-size="13" fill="${ink}">${escapeXml(entry.name)}</text>`);
    lx += width;
  }
  out.push('</g>');
  return out.join('\n');
}

const cross = (x: number, y: number, colour: string) =>
  `<path d="M${num(x - 6)},${num(y - 6)} L${num(x + 6)},${num(y + 6)} M${num(x - 6)},${num(y + 6)} L${num(x + 6)},${num(y - 6)}" stroke="${colour}" stroke-width="3" fill="none"/>`;

/** A whole SVG document: the charts as panels, `columns` to a row (one by default, so each stays 800 wide on a page). */
export function chartsSvg(charts: LineChart[], o: { panel?: PanelSize; columns?: number; title?: string } = {}): string {
  const panel = o.panel ?? { width: 800, height: 450 };
  const columns = Math.max(1, Math.min(o.columns ?? 1, charts.length));
  const rows = Math.ceil(charts.length / columns);
  const width = panel.width * columns;
  const height = panel.height * rows;
  const body = charts.map((chart, i) => renderChart(chart, (i % columns) * panel.width, Math.floor(i / columns) * panel.height, panel));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(o.title ?? charts.map((c) => c.title).join('; '))}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** One chart as its own document. */
export const lineChartSvg = (chart: LineChart, panel?: PanelSize) => chartsSvg([chart], { panel });
