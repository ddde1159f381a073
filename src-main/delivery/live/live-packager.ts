import type { Logger } from 'pino';
import type { StreamHub } from '../../streams/stream-hub.js';
import type { SinkAttachment } from '../../streams/frame-sink.js';
import { LiveWindow } from './live-window.js';

export interface LivePackagerDeps {
  /** The stream's hub, or the hub of one of its renditions (`720p`). */
  hub: (name: string, rendition?: string) => StreamHub | undefined;
  segmentTargetMs: () => number;
  /** Read when a window starts: a window keeps one part length (its playlist's PART-TARGET) for life. */
  partTargetMs: () => number;
  log: Logger;
}

interface Entry {
  window: LiveWindow;
  attachment: SinkAttachment;
  usedAt: number;
}

const windowKey = (name: string, rendition: string | undefined) => (rendition ? `${name}\n${rendition}` : name);

/** A window nobody asked for in this long is dropped: packaging costs CPU only while someone watches. */
const idleMs = 60_000;
/** Complete segments kept behind the live edge: the live playlist's length. */
const keepSegments = 6;

/**
 * Live windows on demand: the first playlist request for a stream attaches a window to
 * its hub (which hands over its cached GOP at once, so the first part is ready within
 * a frame or two), and a window unused for a minute is detached.
 */
export class LivePackager {
  private readonly entries = new Map<string, Entry>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: LivePackagerDeps) {
    this.sweep = setInterval(() => this.dropIdle(), 10_000);
    this.sweep.unref();
  }

  /** The stream's (or its rendition's) window, started if it is live; null when it is not. */
  window(name: string, rendition?: string): LiveWindow | null {
    const hub = this.deps.hub(name, rendition);
    const key = windowKey(name, rendition);
    // A source that ended is not live: a new viewer gets a clear 404, not the last seconds again.
    if (!hub || hub.state === 'idle' || hub.state === 'failed') {
      this.drop(key);
      return null;
    }
    const entry = this.entries.get(key);
    if (entry && !entry.window.closed) {
      entry.usedAt = Date.now();
      return entry.window;
    }
    this.entries.delete(key);
    if (!hub.tracks) return null;
    const log = this.deps.log;
    const window = new LiveWindow({
      segmentTargetMs: this.deps.segmentTargetMs,
      partTargetMs: this.deps.partTargetMs(),
      keepSegments,
      onError: (reason) => log.warn({ stream: name }, `live hls: ${reason}`),
    });
    this.entries.set(key, { window, attachment: hub.attach(window), usedAt: Date.now() });
    return window;
  }

  /** The window if one runs, without starting one (segment and part requests). */
  existing(name: string, rendition?: string): LiveWindow | null {
    const entry = this.entries.get(windowKey(name, rendition));
    if (!entry || entry.window.closed) return null;
    entry.usedAt = Date.now();
    return entry.window;
  }

  close(): void {
    clearInterval(this.sweep);
    for (const name of [...this.entries.keys()]) this.drop(name);
  }

  private dropIdle(now = Date.now()): void {
    for (const [name, entry] of this.entries) if (entry.window.closed || now - entry.usedAt > idleMs) this.drop(name);
  }

  private drop(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    entry.attachment.detach();
    entry.window.onDetach();
  }
}
