// A render whose recording cannot be decoded (bytes that are no MP4) fails with the
// decoder's reason, and quickly: nothing is left waiting (the encoder on its pipes, the
// job's server), and no ffmpeg is left running.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessRegistry } from '../transcode/process-registry.js';
import { planMixRender } from './mix-render.js';
import type { Mp4ExportPlan } from './mp4-export.js';

const garbage = Buffer.alloc(64 * 1024, 0x47);
const badPlan = (startMs: number): Mp4ExportPlan => ({
  size: garbage.length,
  fileName: 'bad.mp4',
  gaps: 0,
  recordedMs: 10_000,
  startMs,
  kinds: ['video', 'audio'],
  endsEarly: null,
  etag: '"x"',
  write: async (out: Writable, range?: { start: number; end: number }) => void out.write(range ? garbage.subarray(range.start, range.end + 1) : garbage),
  dispose: async () => undefined,
});

const processes = new ProcessRegistry(pino({ level: 'silent' }));
afterEach(() => processes.killAll());

describe('mix render failures', () => {
  it('fails with the reason when a recording cannot be decoded, leaving nothing running', async () => {
    const fromMs = Date.now() - 60_000;
    const render = await planMixRender(
      {
        plan: async (o) => badPlan(o.fromMs),
        ranges: () => [{ fromMs, durationMs: 10_000 }],
        processes,
        ffmpegPath: () => 'ffmpeg',
        encoders: () => ['libx264'],
        log: pino({ level: 'silent' }),
      },
      { name: 'live/bad', fromMs, durationMs: 10_000, layout: { width: 320, height: 180, fps: 25, inputs: [{ source: 'live/cam', x: 0, y: 0, w: 320, h: 180 }] } },
      new AbortController().signal,
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-mix-render-'));
    try {
      const started = Date.now();
      await expect(render.write(path.join(dir, 'out.mp4.partial'), new AbortController().signal, () => undefined)).rejects.toThrow(/could not be decoded/);
      expect(Date.now() - started).toBeLessThan(15_000);
      await expect.poll(() => processes.size, { timeout: 5000 }).toBe(0);
      await processes.killAll();
    } finally {
      await render.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
