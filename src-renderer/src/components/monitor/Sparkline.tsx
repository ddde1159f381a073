import { sparklineGeometry } from '../../lib/sparkline';
import { formatBitrate } from '../../lib/stream-format';

const WIDTH = 120;
const HEIGHT = 24;
/** The server keeps a minute of per-second values. */
const SLOTS = 60;

/**
 * The last minute of input bitrate as a line with a soft fill. Hand-drawn SVG: 60
 * points with no axes or interaction need no chart library, and a polyline per tile
 * costs nothing next to a canvas per tile.
 */
export function Sparkline({ values, className }: { values: readonly number[]; className?: string }) {
  const { line, area, max } = sparklineGeometry(values, WIDTH, HEIGHT, SLOTS);
  const peak = max > 0 ? `peak ${formatBitrate(max)}` : 'no data yet';
  return (
    <svg
      className={`sparkline${className ? ` ${className}` : ''}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Bitrate over the last minute, ${peak}`}
    >
      <title>{`Bitrate, last 60 s · ${peak}`}</title>
      <line className="sparkline-base" x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
      {area && <path className="sparkline-area" d={area} />}
      {line && <polyline className="sparkline-line" points={line} />}
    </svg>
  );
}
