import { beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { encoderCandidates, encoderFailureReason, parseEncoderList, probeEncoders } from './encoder-probe.js';
import { ProcessRegistry } from './process-registry.js';
import { whichExecutable } from './ffmpeg-locator.js';

const processes = new ProcessRegistry(pino({ level: 'silent' }));
let ffmpeg: string;

beforeAll(async () => {
  const found = await whichExecutable('ffmpeg');
  if (!found) throw new Error('these tests need ffmpeg on PATH (apt-get install ffmpeg)');
  ffmpeg = found;
});

describe('encoder list parsing', () => {
  it('reads the names from real `ffmpeg -encoders` output, not the legend', async () => {
    const run = await processes.run(ffmpeg, ['-hide_banner', '-encoders'], { label: 'encoders' });
    const names = parseEncoderList(run.stdout);
    expect(names.has('libx264')).toBe(true);
    expect(names.has('aac')).toBe(true);
    expect(names.has('=')).toBe(false);
    expect(names.size).toBeGreaterThan(50);
  });

  it('picks the encoder’s own complaint as the reason', () => {
    const stderr = [
      '[h264_nvenc @ 0x55d1c0a3e440] Cannot load libcuda.so.1',
      'Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0',
    ].join('\n');
    expect(encoderFailureReason(stderr, 'h264_nvenc')).toBe('Cannot load libcuda.so.1');
    expect(encoderFailureReason('Conversion failed!\n', 'x')).toBe('Conversion failed!');
    expect(encoderFailureReason('', 'x')).toBe('failed without a message');
  });
});

describe('encoder probe with real ffmpeg', () => {
  it('finds libx264 working and a GPU encoder failing with a reason on this GPU-less machine', async () => {
    const pick = encoderCandidates.filter((c) => ['libx264', 'h264_nvenc', 'h264_vaapi'].includes(c.name));
    const results = await probeEncoders(ffmpeg, processes, { candidates: pick });
    const byName = new Map(results.map((r) => [r.name, r]));
    expect(byName.get('libx264')).toMatchObject({ works: true, hardware: false, codec: 'h264' });
    expect(byName.get('libx264')?.reason).toBeUndefined();
    for (const gpu of ['h264_nvenc', 'h264_vaapi']) {
      const status = byName.get(gpu);
      if (!status) continue; // not compiled into this ffmpeg: nothing to probe
      expect(status.works).toBe(false);
      expect(status.reason).toMatch(/\S/);
    }
  });

  it('reports an encoder whose test encode cannot run (bad options) as not working', async () => {
    const broken = { name: 'libx264', codec: 'h264' as const, hardware: false, vendor: 'software', outputArgs: ['-pix_fmt', 'no_such_format'] };
    const [result] = await probeEncoders(ffmpeg, processes, { candidates: [broken] });
    expect(result?.works).toBe(false);
    expect(result?.reason).toMatch(/pix|format/i);
  });
});
