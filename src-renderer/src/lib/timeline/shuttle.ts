// J/K/L shuttle, as editors have it: L plays forward and each press doubles the speed
// up to 8×, J the same backwards, K stops. Pressing the other direction starts it at 1×.

export const SHUTTLE_MAX = 8;

/** The playback rate after pressing `key` at `rate` (0 = paused; negative = backwards). */
export function shuttle(rate: number, key: 'j' | 'k' | 'l'): number {
  if (key === 'k') return 0;
  const sign = key === 'l' ? 1 : -1;
  if (rate === 0 || Math.sign(rate) !== sign) return sign;
  return sign * Math.min(SHUTTLE_MAX, Math.abs(rate) * 2);
}

/** "2× ▶", "4× ◀", "" at 1× forward or paused. */
export function shuttleLabel(rate: number): string {
  if (rate === 0 || rate === 1) return '';
  return `${Math.abs(rate)}× ${rate > 0 ? '▶' : '◀'}`;
}
