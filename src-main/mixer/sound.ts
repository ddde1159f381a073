// The mixer's sound: 48 kHz stereo signed 16-bit, as each input's decoder hands it over
// and the mix's encoder takes it. Each input keeps what has come in a queue; every tick of
// the mix takes exactly the tick's share of samples from each (silence where an input has
// none: a late source never holds the mix), weights it by the input's volume, sums, and a
// peak limiter keeps the sum from clipping.

export const sampleRate = 48_000;
export const channels = 2;
const bytesPerFrame = channels * 2;
/** An input starts sounding once this much is queued (so the first ticks do not run dry at once). */
const primeFrames = sampleRate / 10;
/** More than this queued means the source runs ahead of the mix's clock: the oldest is dropped down to the prime. */
const maxQueuedFrames = sampleRate / 2;

/** Sample frames (one sample per channel) of tick `n` at `fps`: whole frames, exact over any run of ticks. */
export function tickFrames(n: number, fps: number): number {
  return Math.floor((sampleRate * (n + 1)) / fps) - Math.floor((sampleRate * n) / fps);
}

/** Samples before tick `n`: where the tick's share starts in a sound that starts with tick 0. */
export const samplesBefore = (n: number, fps: number) => Math.floor((sampleRate * n) / fps);

/**
 * One input's incoming sound. A live input waits for a prime and drops what runs ahead of
 * the clock; an offline one (`{ live: false }`) is taken as it comes, every sample, since
 * its reader waits until a tick's share is in.
 */
export class SoundQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  private queued = 0;
  private primed = false;
  /** The loudest sample taken in the last take, 0–1. */
  peak = 0;
  private readonly primeFrames: number;
  private readonly maxFrames: number;

  constructor(o: { live: boolean } = { live: true }) {
    this.primeFrames = o.live ? primeFrames : 0;
    this.maxFrames = o.live ? maxQueuedFrames : Number.POSITIVE_INFINITY;
  }

  get queuedFrames(): number {
    return this.queued / bytesPerFrame;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.queued += chunk.length;
    if (this.queued > this.maxFrames * bytesPerFrame) this.drop(this.queued - this.primeFrames * bytesPerFrame);
  }

  /** Everything queued goes (a new source, a restarted decoder). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
    this.primed = false;
  }

  /** Adds `frames` sample frames × `gain` into `sum` (interleaved stereo); fewer if fewer are queued. */
  addInto(sum: Int32Array, frames: number, gain: number): void {
    this.peak = 0;
    if (!this.primed) {
      if (this.queued < this.primeFrames * bytesPerFrame) return;
      this.primed = true;
    }
    const wanted = Math.min(frames * bytesPerFrame, this.queued);
    let at = 0;
    let peak = 0;
    while (at < wanted) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length - this.head, wanted - at);
      for (let i = 0; i < n; i += 2) {
        const sample = chunk.readInt16LE(this.head + i);
        const magnitude = sample < 0 ? -sample : sample;
        if (magnitude > peak) peak = magnitude;
        sum[(at + i) >> 1]! += Math.round(sample * gain);
      }
      at += n;
      this.consume(n);
    }
    this.peak = (peak / 32768) * gain;
    // Ran dry: wait for a prime again rather than sound in crumbs.
    if (wanted < frames * bytesPerFrame) this.primed = false;
  }

  private drop(bytes: number): void {
    let left = bytes - (bytes % bytesPerFrame);
    while (left > 0) {
      const n = Math.min(this.chunks[0]!.length - this.head, left);
      this.consume(n);
      left -= n;
    }
  }

  private consume(n: number): void {
    this.head += n;
    this.queued -= n;
    if (this.head === this.chunks[0]!.length) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}

/**
 * Turns the tick's sum into 16-bit samples. The limiter's gain drops at once to what the
 * loudest sample of the tick needs, and recovers by 1.5 dB a tick: no clipping, and no
 * pumping on speech.
 */
export class Limiter {
  private gain = 1;
  /** The loudest output sample of the last tick, 0–1. */
  peak = 0;

  process(sum: Int32Array, length: number, out: Buffer): void {
    let peak = 0;
    for (let i = 0; i < length; i++) {
      const v = sum[i]!;
      const magnitude = v < 0 ? -v : v;
      if (magnitude > peak) peak = magnitude;
    }
    const ceiling = 32767 * 0.95;
    // At once down to what this tick's loudest sample needs; back up by 1.5 dB a tick, to 1 at most.
    this.gain = Math.min(1, this.gain * 1.189, peak > 0 ? ceiling / peak : 1);
    const gain = this.gain;
    for (let i = 0; i < length; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(sum[i]! * gain))), i * 2);
    this.peak = (peak * gain) / 32768;
  }
}
