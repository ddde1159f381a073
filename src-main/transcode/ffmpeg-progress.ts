// ffmpeg's `-progress` output: blocks of key=value lines, each closed by
// `progress=continue` (or `end`). The studio reads speed, fps and dropped frames
// from it instead of scraping the human stats line.

export interface FfmpegProgress {
  frame: number;
  fps: number;
  /** × real time (0 until ffmpeg knows). */
  speed: number;
  droppedFrames: number;
  duplicatedFrames: number;
  /** Output position in microseconds (timestamps as the outputs see them). */
  outTimeUs: number;
  end: boolean;
}

/** Fed chunks of the progress pipe; calls `onBlock` once per complete block. */
export class ProgressReader {
  private partial = '';
  private fields = new Map<string, string>();

  constructor(private readonly onBlock: (progress: FfmpegProgress) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    // A line longer than any ffmpeg writes is not progress: drop it rather than grow.
    if (this.partial.length > 4096) this.partial = '';
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        if (this.fields.size < 64) this.fields.set(key, value);
        continue;
      }
      this.onBlock(this.block(value === 'end'));
      this.fields.clear();
    }
  }

  private block(end: boolean): FfmpegProgress {
    const num = (key: string) => {
      const n = Number.parseFloat(this.fields.get(key) ?? '');
      return Number.isFinite(n) ? n : 0;
    };
    return {
      frame: num('frame'),
      fps: num('fps'),
      speed: num('speed'), // "1.02x": parseFloat stops at the x; "N/A" gives 0
      droppedFrames: num('drop_frames'),
      duplicatedFrames: num('dup_frames'),
      outTimeUs: num('out_time_us'),
      end,
    };
  }
}
