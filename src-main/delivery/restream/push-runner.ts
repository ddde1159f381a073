// One restream target: a sink on the stream's hub whose frames go, as MPEG-TS, into an
// ffmpeg that copies them (no re-encoding) to the target over RTMP, RTMPS or SRT. A target
// that drops is tried again after 1, 2, 4 … 60 s, from the next keyframe; it never holds
// the source up: a target that cannot keep up is skipped to the next keyframe by the hub.
import type { Logger } from 'pino';
import type { Frame, Track } from '../../media/index.js';
import type { PushStatus, PushTarget } from '../../contract/restream-api.js';
import { maskPushUrl } from '../../contract/restream-api.js';
import { maskCredentials } from '../../contract/mask-credentials.js';
import { TsMuxer } from '../../formats/mpegts/index.js';
import type { FrameSink, SinkAttachment } from '../../streams/frame-sink.js';
import type { ProcessRegistry, RunningProcess } from '../../transcode/process-registry.js';
import { openTlsBridge, rtmpsParts } from './tls-bridge.js';

/** Bytes waiting for ffmpeg's stdin before the target counts as behind (a few seconds of HD). */
const maxBacklogBytes = 8 << 20;
const backoffMs = (attempt: number) => Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
/** Live this long, a target counts as working again: its next drop retries after 1 s. */
const stableLiveMs = 30_000;

export interface PushRunnerDeps {
  stream: string;
  target: Required<Pick<PushTarget, 'id' | 'url'>> & PushTarget;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  /** Resolves once ffmpeg has been looked for (a stream published as the studio starts waits for it). */
  ffmpegKnown?: () => Promise<unknown>;
  /** Authorities RTMPS targets are checked against (default: the platform's). */
  ca?: readonly string[];
  log: Logger;
  /** The target went live, dropped or stopped. */
  onChange: (status: PushStatus) => void;
  /** The hub let go of this target (it fell too far behind, or the stream went). */
  onDetached?: (reason: string) => void;
}

/** The ffmpeg arguments sending MPEG-TS from stdin to a target, stream-copied (`tcUrl`: the real one, when `url` is the TLS bridge). */
export function pushArgs(url: string, tcUrl?: string): string[] {
  const output = url.startsWith('srt://') ? ['-f', 'mpegts', srtCaller(url)] : ['-f', 'flv', '-flvflags', 'no_duration_filesize', ...(tcUrl ? ['-rtmp_tcurl', tcUrl] : []), url];
  // Input probed briefly (the stream starts on a keyframe with its parameter sets); progress on stdout says when the target takes bytes.
  return ['-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-stats_period', '1', '-probesize', '500000', '-analyzeduration', '1000000', '-fflags', '+genpts', '-f', 'mpegts', '-i', 'pipe:0', '-map', '0', '-c', 'copy', ...output];
}

/** SRT URLs are callers unless they say otherwise. */
function srtCaller(url: string): string {
  return /[?&]mode=/.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}mode=caller`;
}

export class PushRunner implements FrameSink {
  readonly label: string;
  readonly passive = true;
  attachment: SinkAttachment | null = null;
  private tracks: readonly Track[] | null = null;
  private child: RunningProcess | null = null;
  private muxer: TsMuxer | null = null;
  private waitingKeyframe = true;
  private state: PushStatus['state'] = 'idle';
  private liveSince = 0;
  private attempt = 0;
  private reconnects = 0;
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt: number | null = null;
  private stopped = false;
  private waitedForFfmpeg = false;
  /** Bytes written, and the count at the last rate sample. */
  private sent = 0;
  private sampled = { at: 0, sent: 0, rate: 0 };

  constructor(private readonly d: PushRunnerDeps) {
    this.label = `push ${d.target.id}`;
  }

  status(): PushStatus {
    const now = Date.now();
    if (now - this.sampled.at >= 1000) {
      this.sampled = { at: now, sent: this.sent, rate: this.sampled.at === 0 ? 0 : ((this.sent - this.sampled.sent) * 8 * 1000) / (now - this.sampled.at) };
    }
    const t = this.d.target;
    return {
      id: t.id,
      label: t.label ?? '',
      url: maskPushUrl(t.url),
      rendition: t.rendition ?? null,
      state: this.state,
      bitrate: this.state === 'live' ? Math.round(this.sampled.rate) : 0,
      uptimeSeconds: this.state === 'live' ? Math.round((now - this.liveSince) / 1000) : 0,
      reconnects: this.reconnects,
      lastError: this.lastError,
      retryAt: this.retryAt === null ? null : new Date(this.retryAt).toISOString(),
    };
  }

  onTracks(tracks: readonly Track[]): void {
    this.tracks = tracks;
    // New tracks: a new ffmpeg, whose input starts with them (MPEG-TS carries no mid-stream change ffmpeg follows when copying to FLV).
    this.endChild();
    this.clearRetry();
    if (!this.stopped) this.launch();
  }

  onFrame(frame: Frame): boolean {
    const child = this.child;
    const muxer = this.muxer;
    if (!child?.stdin || !muxer) return true;
    if (this.waitingKeyframe) {
      const track = this.tracks?.[frame.trackId];
      const video = this.tracks?.some((t) => t.kind === 'video');
      if (!(frame.keyframe && (track?.kind === 'video' || !video))) return true;
      this.waitingKeyframe = false;
    }
    const bytes = muxer.mux(frame);
    if (bytes.length === 0) return true;
    this.sent += bytes.length;
    child.stdin.write(bytes);
    if (child.stdin.writableLength > maxBacklogBytes) {
      // Behind: the hub skips this target to the next keyframe once it says it has room.
      this.waitingKeyframe = true;
      child.stdin.once('drain', () => this.attachment?.resume());
      return false;
    }
    return true;
  }

  onSourceEnd(): void {
    this.tracks = null;
    this.endChild();
    this.clearRetry();
    this.setState('idle');
  }

  onDetach(reason: string): void {
    this.onSourceEnd();
    // Cut off by the hub (too slow, or the stream went): the service attaches it again if the stream is still there.
    this.attachment = null;
    this.d.onDetached?.(reason);
  }

  /** For good: the target was removed or disabled, or the studio stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.attachment?.detach();
    this.attachment = null;
    this.clearRetry();
    const child = this.child;
    this.endChild();
    this.setState('idle');
    await child?.exited;
  }

  private launch(): void {
    void this.start().catch((err: unknown) => this.failed(err instanceof Error ? err.message : String(err)));
  }

  private async start(): Promise<void> {
    const ffmpeg = this.d.ffmpegPath();
    if (!this.tracks) return;
    if (!ffmpeg && this.d.ffmpegKnown && !this.waitedForFfmpeg) {
      this.waitedForFfmpeg = true;
      void this.d.ffmpegKnown().then(() => {
        if (!this.stopped && this.tracks && !this.child) this.launch();
      });
      return;
    }
    if (!ffmpeg) return this.failed('ffmpeg is not available');
    // RTMPS: ffmpeg does not check certificates, so it goes through the studio's verifying TLS bridge, never straight.
    const isRtmps = /^rtmps:/i.test(this.d.target.url);
    const secure = isRtmps ? rtmpsParts(this.d.target.url) : null;
    if (isRtmps && !secure) return this.failed('this RTMPS URL cannot be read (rtmps://host[:port]/app/key)', false);
    const bridge = secure ? await openTlsBridge(secure, this.d.ca ? { ca: this.d.ca } : {}) : null;
    if (this.stopped || !this.tracks || this.child) {
      bridge?.close();
      return;
    }
    let muxer: TsMuxer;
    try {
      muxer = new TsMuxer(this.tracks);
    } catch (err) {
      bridge?.close();
      return this.failed(`this stream cannot be sent on: ${(err as Error).message}`, false);
    }
    if (muxer.skipped.length > 0) this.lastError = `sent without ${muxer.skipped.map((s) => s.reason).join('; ')}`;
    const args = secure && bridge ? pushArgs(`rtmp://${secure.userinfo}127.0.0.1:${bridge.port}${secure.plainPath}`, secure.tcUrl) : pushArgs(this.d.target.url);
    const child = this.d.processes.start(ffmpeg, args, { label: `push ${this.d.stream} → ${maskPushUrl(this.d.target.url)}`, streamStdin: true, keepBytes: 4096 });
    this.child = child;
    this.muxer = muxer;
    this.waitingKeyframe = true;
    // A hub that was holding frames back for the last ffmpeg (behind, then gone) sends again, from a keyframe.
    this.attachment?.resume();
    this.setState('connecting');
    child.stdin?.on('error', () => undefined);
    // ffmpeg's -progress: once the output has bytes written, the target took the connection.
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child !== child || this.state === 'live') return;
      const written = /total_size=(\d+)/.exec(chunk.toString('latin1'));
      if (!written || Number(written[1]) <= 0) return;
      this.liveSince = Date.now();
      if (this.attempt > 0) this.reconnects++;
      if (this.muxer?.skipped.length === 0) this.lastError = null;
      this.setState('live');
    });
    void child.exited.then((result) => {
      bridge?.close();
      if (this.child !== child) return;
      this.child = null;
      this.muxer = null;
      const shown = maskPushUrl(this.d.target.url);
      // ffmpeg names the URL it was given (the bridge's, for RTMPS): the user knows the target by its own, masked.
      const line = result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `ffmpeg exit ${result.code ?? result.signal}`;
      // The URLs first (whole, so no part of a key survives), then any other credentials.
      const said = maskCredentials(line.replaceAll(this.d.target.url, shown).replace(/rtmp:\/\/\S*127\.0\.0\.1:\d+\S*/g, shown));
      // The bridge knows better than ffmpeg why a TLS target failed (an untrusted certificate).
      this.failed(bridge?.error ?? said);
    });
  }

  /** The target dropped or could not be reached: try again later while the source is live. */
  private failed(reason: string, retry = true): void {
    this.lastError = reason;
    // A target that held for a while starts its backoff over; one that takes the stream and drops it at once keeps backing off.
    if (this.state === 'live' && Date.now() - this.liveSince >= stableLiveMs) this.attempt = 0;
    this.d.log.warn({ stream: this.d.stream, target: this.d.target.id }, `restream: ${maskPushUrl(this.d.target.url)}: ${reason}`);
    if (this.stopped || !this.tracks || !retry) return this.setState('idle');
    const wait = backoffMs(this.attempt++);
    this.retryAt = Date.now() + wait;
    this.setState('retrying');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = null;
      if (!this.stopped && this.tracks) this.launch();
    }, wait);
    this.retryTimer.unref();
  }

  private endChild(): void {
    const child = this.child;
    this.child = null;
    this.muxer = null;
    if (!child) return;
    // Ending stdin lets ffmpeg finish the FLV cleanly; stop() follows if it lingers.
    child.stdin?.end();
    const timer = setTimeout(() => child.stop(), 3000);
    timer.unref();
    void child.exited.then(() => clearTimeout(timer));
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
  }

  private setState(state: PushStatus['state']): void {
    if (state === this.state) return;
    const was = this.state;
    this.state = state;
    // Up and down are what other systems care about: going live, leaving live, and the first failure of a target that never got there.
    if (state === 'live' || was === 'live' || (state === 'retrying' && this.attempt === 1)) this.d.onChange(this.status());
  }
}
