import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MediaJobsStats } from './media-jobs.js';

/** The media jobs' figures with the number of child processes running (ffmpeg, mostly). */
export interface MediaJobsView extends MediaJobsStats {
  processes: number;
}

/** Where the media jobs' figures come from (the composition root joins the jobs and the process registry). */
export interface MediaJobsSource {
  stats(): MediaJobsView;
  resetPeaks(): void;
}

const noMediaJobs: MediaJobsView = { max: 0, running: 0, waiting: 0, peakRunning: 0, peakWaiting: 0, refused: 0, processes: 0 };

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Samples kept for the percentiles: the recent past is what matters. */
const keep = 10_000;
/** The event-loop probe's timer period; the histogram records whole periods, so this is taken off. */
const resolutionMs = 5;

/**
 * Serving figures measured inside the server: how long after its part exists a blocked
 * playlist reload is answered, how late the event loop runs while serving, and how many
 * media jobs (export plans, thumbnail ffmpeg runs) run and wait.
 */
export class PlaybackStats {
  private readonly blocking = new Float64Array(keep);
  private blockingCount = 0;
  private readonly loop: ReturnType<typeof monitorEventLoopDelay>;

  constructor(private readonly media?: MediaJobsSource) {
    this.loop = monitorEventLoopDelay({ resolution: resolutionMs });
    this.loop.enable();
  }

  blockingReloadAnswered(delayMs: number): void {
    this.blocking[this.blockingCount++ % keep] = delayMs;
  }

  summary(): { blockingReload: LatencySummary; eventLoopLag: LatencySummary; mediaJobs: MediaJobsView } {
    const n = Math.min(this.blockingCount, keep);
    const sorted = Array.from(this.blocking.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => (n === 0 ? 0 : round(sorted[Math.min(n - 1, Math.floor(q * n))]!));
    const ms = (ns: number) => round(Math.max(0, ns / 1e6 - resolutionMs));
    return {
      blockingReload: { count: this.blockingCount, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: n === 0 ? 0 : round(sorted[n - 1]!) },
      eventLoopLag: { count: this.loop.count, p50Ms: ms(this.loop.percentile(50)), p99Ms: ms(this.loop.percentile(99)), maxMs: ms(this.loop.max) },
      mediaJobs: this.media?.stats() ?? noMediaJobs,
    };
  }

  reset(): void {
    this.blockingCount = 0;
    this.loop.reset();
    this.media?.resetPeaks();
  }

  close(): void {
    this.loop.disable();
  }
}

const round = (v: number) => Math.round(v * 100) / 100;
