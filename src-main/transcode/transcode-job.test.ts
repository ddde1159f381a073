import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeErrors, ffmpeg, ffprobeJson, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { TranscodeCapacity } from './capacity.js';
import { ladderArgs } from './ladder-command.js';
import { ProcessRegistry } from './process-registry.js';
import { planRenditions } from './rendition-plan.js';
import { TranscodeJob, type JobStatus } from './transcode-job.js';

const log = pino({ level: 'silent' });
const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';

describe('a transcoding job (real ffmpeg, no GPU here)', () => {
  const dir = useTempDir('framehouse-job-');
  const processes = new ProcessRegistry(log);
  afterEach(() => processes.killAll());

  it('falls back from a hardware encoder that fails here to libx264 within 2 s, says why, and the outputs are whole', async () => {
    const source = path.join(dir(), 'source.ts');
    await ffmpeg([...testSourceArgs({ size: '640x360', rate: 30, seconds: 4, gop: 30 }), '-f', 'mpegts', source]);
    const { renditions } = planRenditions([{ height: 240, videoBitrate: '400k' }, { height: 180, videoBitrate: '250k' }], { height: 360 });
    const outputs = renditions.map((r) => path.join(dir(), `${r.name}.ts`));
    const writers = outputs.map((f) => fs.createWriteStream(f));
    const capacity = new TranscodeCapacity({ cores: 2, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: {} });
    const job = new TranscodeJob(
      {
        label: 'test ladder',
        ffmpegPath,
        encoders: ['h264_nvenc', 'libx264'],
        args: (encoder, gpuDecode) => ladderArgs({ input: 'pipe:0', renditions, encoder, gpuDecode }),
        outputs: renditions.length,
        cost: 5,
        openInput: () => {
          const stream = fs.createReadStream(source);
          return { stream, close: () => stream.destroy() };
        },
        // Only the attempt that finished counts: the failed one wrote nothing anyway.
        onOutput: (i, chunk) => writers[i]!.write(chunk),
      },
      { processes, capacity, log },
    );
    const seen: JobStatus[] = [];
    job.on('status', (s) => seen.push(s));
    const started = performance.now();
    let runningOnFallbackAt = 0;
    job.on('status', (s) => {
      if (s.state === 'running' && s.encoder === 'libx264' && !runningOnFallbackAt) runningOnFallbackAt = performance.now();
    });
    const finished = new Promise<void>((resolve, reject) => {
      job.once('finished', resolve);
      job.once('failed', (reason) => reject(new Error(reason)));
    });
    job.start();
    await finished;
    await Promise.all(writers.map((w) => new Promise((resolve) => w.end(resolve))));

    expect(runningOnFallbackAt - started).toBeLessThan(2000);
    const status = job.status();
    // NVENC with the GPU decoding finds no CUDA device: software decoding would not help NVENC, so libx264 next.
    expect(status).toMatchObject({ encoder: 'libx264', fallbackFrom: 'h264_nvenc', attempts: 2 });
    // ffmpeg's own words about the missing GPU, not a generic message.
    expect(status.reason).toMatch(/cuda|nvenc|device|driver|library/i);
    expect(seen.some((s) => s.state === 'starting' && s.encoder === 'h264_nvenc')).toBe(true);
    expect(status.speed).toBeGreaterThan(0);
    for (const file of outputs) {
      expect(await decodeErrors(file)).toBe('');
      const { packets } = await ffprobeJson<{ packets: unknown[] }>(['-select_streams', 'v:0', '-show_entries', 'packet=pts', file]);
      expect(packets.length).toBe(120);
    }
    // Capacity was handed back by both attempts.
    expect(capacity.usage()).toMatchObject({ softwareMpps: 0, hardwareSessions: { nvenc: 0 } });
  });

  it('gives up with the reason when the last encoder keeps failing', async () => {
    const capacity = new TranscodeCapacity({ cores: 2, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: {} });
    const job = new TranscodeJob(
      {
        label: 'broken input',
        ffmpegPath,
        encoders: ['libx264'],
        args: () => ['-hide_banner', '-loglevel', 'error', '-i', path.join(dir(), 'missing.ts'), '-c:v', 'libx264', '-f', 'mpegts', 'pipe:3'],
        outputs: 1,
        cost: 1,
        onOutput: () => undefined,
      },
      { processes, capacity, log },
    );
    const failed = new Promise<string>((resolve) => job.once('failed', resolve));
    job.start();
    expect(await failed).toMatch(/No such file/);
    expect(job.status()).toMatchObject({ state: 'failed', attempts: 4, fallbackFrom: null });
  });

  it('stops while waiting in line for capacity', async () => {
    const capacity = new TranscodeCapacity({ cores: 1, softwareMppsPerCore: 10, softwareShare: 1, hardwareSessions: {} });
    const hog = capacity.tryAcquire('libx264', 10);
    const job = new TranscodeJob(
      { label: 'waiting', ffmpegPath, encoders: ['libx264'], args: () => [], outputs: 1, cost: 5, onOutput: () => undefined },
      { processes, capacity, log },
    );
    job.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(job.status()).toMatchObject({ state: 'queued', reason: expect.stringMatching(/CPU is taken/) });
    await job.stop();
    expect(job.status().state).toBe('stopped');
    expect(capacity.usage().waiting).toBe(0);
    if ('release' in hog) hog.release();
  });
});
