import type { Frame } from '../media/index.js';
import type { ProcessRegistry } from '../transcode/index.js';
import type { StreamHub } from '../streams/stream-hub.js';
import { renderKeyframeJpeg } from './keyframe-preview.js';

/**
 * JPEG of each stream's latest keyframe, decoded once per keyframe: many viewers
 * of the Monitor cost one ffmpeg run per GOP at most.
 */
export class PreviewService {
  private readonly cache = new Map<string, { keyframe: Frame; jpeg: Promise<Uint8Array> }>();

  constructor(
    private readonly deps: { processes: ProcessRegistry; ffmpegPath: () => string | null; hub: (name: string) => StreamHub | undefined },
  ) {}

  /** null when the stream has no picture yet (or no video). */
  async jpeg(name: string): Promise<Uint8Array | null> {
    const latest = this.deps.hub(name)?.latestKeyframe();
    if (!latest) return null;
    const cached = this.cache.get(name);
    if (cached?.keyframe === latest.frame) return cached.jpeg;
    const ffmpeg = this.deps.ffmpegPath();
    if (!ffmpeg) throw new Error('ffmpeg not found: set FFMPEG_PATH or the ffmpeg path in Settings');
    const jpeg = renderKeyframeJpeg(ffmpeg, this.deps.processes, latest.track, latest.frame);
    this.cache.set(name, { keyframe: latest.frame, jpeg });
    jpeg.catch(() => {
      if (this.cache.get(name)?.jpeg === jpeg) this.cache.delete(name);
    });
    return jpeg;
  }

  forget(name: string): void {
    this.cache.delete(name);
  }
}
