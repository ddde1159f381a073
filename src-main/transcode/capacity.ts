// How much transcoding the machine can take. Software encodes share the CPU, so each
// job declares its cost in megapixels per second; hardware encoders have a session
// limit per device (consumer NVENC allows a handful). A job that does not fit waits
// in line with a reason, instead of starting and making every stream drop frames.
import { isHardware, encoderFamily, type EncoderFamily } from './video-encode.js';

export interface CapacityOptions {
  cores: number;
  /**
   * Megapixels per second one core encodes with x264 veryfast, decode included
   * (a 1080p30 → 720p/480p/360p ladder is ≈ 47 MP/s of output; see `npm run bench -- transcode`).
   */
  softwareMppsPerCore: number;
  /** Share of the cores transcoding may take: ingest, packaging and the UI need the rest. */
  softwareShare: number;
  /** Concurrent sessions per hardware family. */
  hardwareSessions: Partial<Record<EncoderFamily, number>>;
}

export const defaultHardwareSessions: Partial<Record<EncoderFamily, number>> = {
  // GeForce drivers allow 8 concurrent NVENC sessions since 2024 (3, then 5, before).
  nvenc: 8,
  qsv: 16,
  vaapi: 16,
  videotoolbox: 16,
  amf: 16,
};

export interface CapacityLease {
  readonly encoder: string;
  release(): void;
}

interface Waiter {
  encoder: string;
  cost: number;
  resolve: (lease: CapacityLease) => void;
}

export class TranscodeCapacity {
  private softwareInUse = 0;
  private readonly sessions = new Map<EncoderFamily, number>();
  private readonly queue: Waiter[] = [];

  constructor(private readonly o: CapacityOptions) {}

  get softwareBudget(): number {
    return this.o.cores * this.o.softwareMppsPerCore * this.o.softwareShare;
  }

  /** A lease at once, or why not. `cost` is output megapixels per second (software encoders only). */
  tryAcquire(encoder: string, cost: number): CapacityLease | { reason: string } {
    const family = encoderFamily(encoder);
    if (!family) return { reason: `${encoder} is not an encoder the studio drives` };
    if (isHardware(family)) {
      const limit = this.o.hardwareSessions[family] ?? defaultHardwareSessions[family] ?? 1;
      const used = this.sessions.get(family) ?? 0;
      if (used >= limit) return { reason: `all ${limit} ${family} sessions are in use` };
      this.sessions.set(family, used + 1);
      return this.lease(encoder, () => this.sessions.set(family, (this.sessions.get(family) ?? 1) - 1));
    }
    const budget = this.softwareBudget;
    // One job larger than the whole budget may still run alone: refusing it forever helps no one.
    if (this.softwareInUse > 0 && this.softwareInUse + cost > budget) {
      return { reason: `the CPU is taken: ${Math.round(this.softwareInUse)} of ${Math.round(budget)} MP/s of software encoding in use, this job needs ${Math.round(cost)}` };
    }
    this.softwareInUse += cost;
    return this.lease(encoder, () => (this.softwareInUse = Math.max(0, this.softwareInUse - cost)));
  }

  /** Waits in line for a lease; `onQueued` hears why it waits. Rejects with the signal's reason when aborted. */
  acquire(encoder: string, cost: number, o: { signal?: AbortSignal; onQueued?: (reason: string) => void } = {}): Promise<CapacityLease> {
    const now = this.queue.length === 0 ? this.tryAcquire(encoder, cost) : { reason: `${this.queue.length} transcoding job(s) are waiting before this one` };
    if ('release' in now) return Promise.resolve(now);
    o.onQueued?.(now.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        // The one that left may have been holding up the line.
        this.drain();
        reject(o.signal!.reason instanceof Error ? o.signal!.reason : new Error('stopped while waiting for transcoding capacity'));
      };
      const waiter: Waiter = {
        encoder,
        cost,
        resolve: (lease) => {
          o.signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
      };
      this.queue.push(waiter);
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  usage(): { softwareMpps: number; softwareBudgetMpps: number; hardwareSessions: Record<string, number>; waiting: number } {
    return { softwareMpps: this.softwareInUse, softwareBudgetMpps: this.softwareBudget, hardwareSessions: Object.fromEntries(this.sessions), waiting: this.queue.length };
  }

  private lease(encoder: string, free: () => void): CapacityLease {
    let released = false;
    return {
      encoder,
      release: () => {
        if (released) return;
        released = true;
        free();
        this.drain();
      },
    };
  }

  /** First come, first served: a big job at the head is not overtaken by small ones. */
  private drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const got = this.tryAcquire(head.encoder, head.cost);
      if (!('release' in got)) return;
      this.queue.shift();
      head.resolve(got);
    }
  }
}

/** Output megapixels per second of a set of renditions, plus a fifth of the source's for decoding it once. */
export function ladderCost(source: { width: number; height: number; fps: number }, renditions: readonly { height: number; fps: number | null }[]): number {
  const aspect = source.width / source.height;
  const out = renditions.reduce((sum, r) => sum + aspect * r.height * r.height * Math.min(r.fps ?? source.fps, source.fps), 0);
  return (out + 0.2 * source.width * source.height * source.fps) / 1e6;
}
