import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpeg, lavfiInputs } from '../test-support/ffmpeg-tools.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { ProgressReader, type FfmpegProgress } from './ffmpeg-progress.js';

describe('ffmpeg -progress', () => {
  const dir = useTempDir('framehouse-progress-');

  it('reads the blocks real ffmpeg writes, split anywhere', async () => {
    const { stdout } = await ffmpeg([...lavfiInputs({ size: '320x240', rate: 30, seconds: 2 }), '-c:v', 'libx264', '-preset', 'ultrafast', '-progress', 'pipe:1', '-stats_period', '0.5', path.join(dir(), 'out.ts')]);
    const blocks: FfmpegProgress[] = [];
    const reader = new ProgressReader((b) => blocks.push(b));
    const text = stdout.toString();
    // Cut into 7-byte pieces: a line split between chunks must still be read whole.
    for (let i = 0; i < text.length; i += 7) reader.push(text.slice(i, i + 7));
    const last = blocks.at(-1)!;
    expect(last.end).toBe(true);
    expect(last.frame).toBe(60);
    expect(last.speed).toBeGreaterThan(0);
    expect(last.outTimeUs).toBeGreaterThan(1_900_000);
    expect(blocks.slice(0, -1).every((b) => !b.end)).toBe(true);
  });

  it('survives garbage and unbounded lines', () => {
    const blocks: FfmpegProgress[] = [];
    const reader = new ProgressReader((b) => blocks.push(b));
    reader.push('x'.repeat(100_000));
    reader.push('\nspeed=N/A\nfps=abc\n=3\nprogress=continue\n');
    expect(blocks).toEqual([{ frame: 0, fps: 0, speed: 0, droppedFrames: 0, duplicatedFrames: 0, outTimeUs: 0, end: false }]);
  });
});
