// In and Out marks, and how the marked range meets the archive's locks.

export interface Marks {
  /** UTC seconds, or null while unset. */
  in: number | null;
  out: number | null;
}

export const noMarks: Marks = { in: null, out: null };

/** The shortest range worth exporting or locking: about a frame. */
export const MIN_RANGE = 0.04;

/** Sets In. An Out at or before it no longer makes a range, so it goes (as in editors). */
export function markIn(marks: Marks, t: number): Marks {
  return { in: t, out: marks.out !== null && marks.out - t < MIN_RANGE ? null : marks.out };
}

/** Sets Out. An In at or after it goes. */
export function markOut(marks: Marks, t: number): Marks {
  return { in: marks.in !== null && t - marks.in < MIN_RANGE ? null : marks.in, out: t };
}

/** Moves one handle by dragging; it stops a frame short of the other one. */
export function dragMark(marks: Marks, which: 'in' | 'out', t: number): Marks {
  if (which === 'in') return { ...marks, in: marks.out === null ? t : Math.min(t, marks.out - MIN_RANGE) };
  return { ...marks, out: marks.in === null ? t : Math.max(t, marks.in + MIN_RANGE) };
}

export interface TimeRange {
  from: number;
  to: number;
}

/** The marked range once both marks are set. */
export function markedRange(marks: Marks): TimeRange | null {
  if (marks.in === null || marks.out === null || marks.out - marks.in < MIN_RANGE) return null;
  return { from: marks.in, to: marks.out };
}

/** Locks as the API gives them ({from, duration}) turned into ranges, sorted and merged. */
export function mergeSpans(spans: readonly { from: number; duration: number }[]): TimeRange[] {
  const sorted = spans.map((s) => ({ from: s.from, to: s.from + s.duration })).sort((a, b) => a.from - b.from);
  const merged: TimeRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to + 1e-6) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged;
}

/** How much of `range` the (merged) ranges cover: 'none', 'some' or 'all'. */
export function coverageOf(range: TimeRange, merged: readonly TimeRange[], slack = 0.5): 'none' | 'some' | 'all' {
  let covered = 0;
  for (const r of merged) {
    const from = Math.max(r.from, range.from);
    const to = Math.min(r.to, range.to);
    if (to > from) covered += to - from;
  }
  const length = range.to - range.from;
  if (covered <= 0) return 'none';
  // Locks are kept in whole seconds by recording_status; a little slack counts as covered.
  return covered >= length - slack ? 'all' : 'some';
}
