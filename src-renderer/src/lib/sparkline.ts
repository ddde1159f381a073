// The bitrate sparkline's geometry, apart from the SVG that draws it so it can be tested.

export interface SparklineGeometry {
  /** `points` of the line's polyline. */
  line: string;
  /** A closed path under the line, for the soft fill. */
  area: string;
  /** The value the top edge stands for. */
  max: number;
}

/**
 * Lays `values` (oldest first) across `width`, newest at the right edge, scaled so
 * the largest sits at the top. `slots` fixes the spacing, so a history that is
 * still filling up grows in from the right instead of stretching. A flat zero line
 * sits on the baseline; `pad` keeps the stroke inside the box.
 */
export function sparklineGeometry(values: readonly number[], width: number, height: number, slots = values.length, pad = 1): SparklineGeometry {
  const clean = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const count = Math.max(slots, clean.length);
  if (clean.length === 0 || count < 2) return { line: '', area: '', max: 0 };
  const max = Math.max(...clean);
  const step = (width - pad * 2) / (count - 1);
  const firstX = pad + (count - clean.length) * step;
  const usable = height - pad * 2;
  const points = clean.map((v, i) => {
    const x = firstX + i * step;
    const y = pad + usable - (max > 0 ? (v / max) * usable : 0);
    return `${round(x)},${round(y)}`;
  });
  const line = points.join(' ');
  const baseline = round(height - pad);
  const area = `M${round(firstX)},${baseline} L${points.join(' L')} L${round(firstX + (clean.length - 1) * step)},${baseline} Z`;
  return { line, area, max };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
