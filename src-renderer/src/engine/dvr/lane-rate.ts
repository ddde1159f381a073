// A lane's frame rate, which sets the timeline's frame grid, frame steps and the
// finest zoom: the best of what the source declares, what the archive recorded and
// what is measured live.

const usable = (fps: number | null | undefined): fps is number => typeof fps === 'number' && fps >= 1 && fps <= 240;

/** The common rate nearest a measured one (29.8 → 29.97, 30.2 → 30), so a jittery measurement does not move the frame grid. */
export function nominalRate(measured: number): number {
  const rates = [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 120];
  return rates.reduce((best, r) => (Math.abs(r - measured) < Math.abs(best - measured) ? r : best), 30);
}

/** A usable frame rate: declared by the source, else the archive's, else measured (to a common rate), else 30. */
export function laneFps(declared: number | null, archived: number | undefined, measured: number | null): number {
  if (usable(declared)) return declared;
  if (usable(archived)) return archived;
  return usable(measured) ? nominalRate(measured) : 30;
}
