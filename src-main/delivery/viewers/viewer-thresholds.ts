// Viewer-count thresholds (Settings → viewerThresholds): each stream's count, sampled once a
// second, is compared with the last sample; every threshold it crossed
// since, upward or downward, is told once. Nothing is done per request.

export interface ThresholdCrossing {
  stream: string;
  viewers: number;
  threshold: number;
  direction: 'up' | 'down';
}

export interface ViewerThresholdsDeps {
  /** The thresholds now (the setting): none means off. */
  thresholds: () => readonly number[];
  onCross(crossing: ThresholdCrossing): void;
}

export class ViewerThresholds {
  /** Each stream's count at the last sample; streams nobody watched are not kept. */
  private readonly last = new Map<string, number>();

  constructor(private readonly deps: ViewerThresholdsDeps) {}

  /**
   * One sample: every stream with its viewers. A stream missing from it counts as 0. Counts
   * are kept even while no threshold is set, so turning one on tells only of later crossings.
   */
  sample(streams: Iterable<{ name: string; viewers: number }>): void {
    const thresholds = [...new Set(this.deps.thresholds())].filter((t) => t > 0).sort((a, b) => a - b);
    const seen = new Set<string>();
    for (const { name, viewers } of streams) {
      seen.add(name);
      this.take(name, viewers, thresholds);
    }
    for (const name of [...this.last.keys()]) if (!seen.has(name)) this.take(name, 0, thresholds);
  }

  private take(stream: string, viewers: number, thresholds: readonly number[]): void {
    const before = this.last.get(stream) ?? 0;
    if (viewers > 0) this.last.set(stream, viewers);
    else this.last.delete(stream);
    if (viewers > before) {
      for (const threshold of thresholds) if (before < threshold && threshold <= viewers) this.deps.onCross({ stream, viewers, threshold, direction: 'up' });
    } else if (viewers < before) {
      for (const threshold of [...thresholds].reverse()) if (viewers < threshold && threshold <= before) this.deps.onCross({ stream, viewers, threshold, direction: 'down' });
    }
  }
}
