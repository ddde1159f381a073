import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EncoderStatus } from '../../contract/studio-api.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import type { Frame, Track } from '../../media/index.js';
import { StreamHub } from '../../streams/stream-hub.js';
import { ffmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { TranscodeCapacity } from '../../transcode/capacity.js';
import { ProcessRegistry } from '../../transcode/process-registry.js';
import { LiveLadder } from './live-ladder.js';

const log = pino({ level: 'silent' });
const status = (name: string, works: boolean): EncoderStatus => ({ name, codec: 'h264', hardware: name !== 'libx264', vendor: 'x', works, probeMs: 1 });

/** The frames of an MPEG-TS file, as an ingest would hand them to a hub. */
async function framesOf(file: string): Promise<{ tracks: Track[]; frames: Frame[] }> {
  let tracks: Track[] = [];
  const frames: Frame[] = [];
  const demuxer = new TsDemuxer({ onTracks: (t) => (tracks = t), onFrame: (f) => frames.push(f), onError: () => undefined });
  demuxer.push(await fs.readFile(file), Date.now());
  demuxer.end();
  return { tracks, frames };
}

/** Collects a hub's video keyframe times (seconds) and frame count. */
function watch(hub: StreamHub) {
  const seen = { keyframes: [] as number[], video: 0, tracks: 0 };
  hub.attach({
    label: 'test viewer',
    onTracks: () => void seen.tracks++,
    onFrame: (frame) => {
      const track = hub.tracks?.[frame.trackId];
      if (track?.kind === 'video') {
        seen.video++;
        if (frame.keyframe) seen.keyframes.push(Math.round((frame.pts / track.timescale) * 1000) / 1000);
      }
      return true;
    },
  });
  return seen;
}

describe('a live ladder (real ffmpeg)', () => {
  const dir = useTempDir('framehouse-ladder-live-');
  const processes = new ProcessRegistry(log);
  afterEach(() => processes.killAll());

  it('turns a live source into rendition hubs with the same keyframe times, falling back from a GPU that is not there', async () => {
    const file = path.join(dir(), 'source.ts');
    await ffmpeg([...testSourceArgs({ size: '640x360', rate: 30, seconds: 5, gop: 30 }), '-f', 'mpegts', file]);
    const { tracks, frames } = await framesOf(file);
    const source = new StreamHub('cam', log, () => undefined);
    const capacity = new TranscodeCapacity({ cores: 2, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: {} });
    const ladder = new LiveLadder(
      source,
      { renditions: [{ height: 480, videoBitrate: '800k' }, { height: 240, videoBitrate: '400k' }, { height: 160, videoBitrate: '200k' }], encoder: 'auto' },
      { processes, capacity, log, ffmpegPath: () => process.env.FFMPEG_PATH ?? 'ffmpeg', encoders: () => [status('h264_nvenc', true), status('libx264', true)], platform: 'linux' },
    );
    const session = source.beginSession({ protocol: 'file', remoteAddress: null, sourceUrl: null, kick: () => undefined }, 'pulling');
    session.setTracks(tracks);
    // The 480p rung is taller than the source: skipped, with the reason.
    expect(ladder.status().find((r) => r.name === '480p')).toMatchObject({ state: 'idle', reason: expect.stringMatching(/only upscale/) });
    const r240 = ladder.hub('240p')!;
    const r160 = ladder.hub('160p')!;
    const seen240 = watch(r240);
    const seen160 = watch(r160);
    // Real time: a live source arrives at its own pace.
    const t0 = frames[0]!.dts;
    const started = Date.now();
    for (const frame of frames) {
      const dueMs = ((frame.dts - t0) / tracks[frame.trackId]!.timescale) * 1000;
      const wait = started + dueMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      session.pushFrame({ ...frame, arrivedAt: Date.now() });
    }
    // Give the encoder the tail of the clip, then look.
    await new Promise((r) => setTimeout(r, 1500));
    const rows = ladder.status();
    const row240 = rows.find((r) => r.name === '240p')!;
    expect(row240).toMatchObject({ state: 'running', encoder: 'libx264', fallbackFrom: 'h264_nvenc', width: 426 });
    expect(row240.reason).toMatch(/cuda|nvenc|device|driver|library/i);
    expect(row240.speed).toBeGreaterThan(0);
    // Latency is measured from the source frame's arrival: real, and under the clip's length.
    expect(row240.latencyMs).toBeGreaterThan(0);
    expect(row240.latencyMs).toBeLessThan(4000);
    expect(r240.tracks?.find((t) => t.kind === 'video')).toMatchObject({ height: 240, codec: 'h264' });
    expect(r240.source?.protocol).toBe('transcode');
    // Every rendition cuts at the same instants, and at least most of the clip came through.
    expect(seen240.keyframes.length).toBeGreaterThanOrEqual(3);
    expect(seen160.keyframes.slice(0, seen240.keyframes.length - 1)).toEqual(seen240.keyframes.slice(0, seen240.keyframes.length - 1));
    expect(seen240.video).toBeGreaterThan(90);
    session.end('clip over');
    await ladder.close();
    expect(capacity.usage()).toMatchObject({ softwareMpps: 0 });
  });

  it('says why when the pinned encoder does not exist, and starts nothing', () => {
    const source = new StreamHub('cam', log, () => undefined);
    const capacity = new TranscodeCapacity({ cores: 2, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: {} });
    const ladder = new LiveLadder(source, { renditions: [{ height: 240, videoBitrate: '400k' }], encoder: 'h264_magic' }, { processes, capacity, log, ffmpegPath: () => 'ffmpeg', encoders: () => [status('libx264', true)] });
    const session = source.beginSession({ protocol: 'file', remoteAddress: null, sourceUrl: null, kick: () => undefined }, 'pulling');
    session.setTracks([{ kind: 'video', id: 0, timescale: 90000, codec: 'h264', config: new Uint8Array(), width: 640, height: 360, profile: 'High', level: '3', declaredFps: 30 }]);
    expect(ladder.problem).toMatch(/h264_magic is not an encoder this ffmpeg has \(it has: libx264\)/);
    expect(processes.size).toBe(0);
    return ladder.close();
  });

  it('does not start on the tracks a hub kept after its source ended, and starts when the source is back', async () => {
    const source = new StreamHub('cam', log, () => undefined);
    const video = { kind: 'video' as const, id: 0, timescale: 90000, codec: 'h264' as const, config: new Uint8Array([1, 0x64, 0, 0x1e, 0xff]), width: 640, height: 360, profile: 'High', level: '3', declaredFps: 30 };
    const first = source.beginSession({ protocol: 'file', remoteAddress: null, sourceUrl: null, kick: () => undefined }, 'pulling');
    first.setTracks([video]);
    first.end('clip over');
    source.setWaiting('idle', null);
    const capacity = new TranscodeCapacity({ cores: 2, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: {} });
    const ladder = new LiveLadder(source, { renditions: [{ height: 240, videoBitrate: '400k' }], encoder: 'auto' }, { processes, capacity, log, ffmpegPath: () => process.env.FFMPEG_PATH ?? 'ffmpeg', encoders: () => [status('libx264', true)] });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
    await settle();
    expect(processes.size).toBe(0);
    expect(ladder.status()).toEqual([]);
    expect(ladder.variants().variants).toEqual([]);
    const second = source.beginSession({ protocol: 'file', remoteAddress: null, sourceUrl: null, kick: () => undefined }, 'pulling');
    second.setTracks([video]);
    await settle();
    // A job runs for the live session (its ffmpeg tried libx264 on this made-up picture).
    expect(ladder.status()).toMatchObject([{ name: '240p', encoder: 'libx264' }]);
    second.end('done');
    await ladder.close();
    expect(processes.size).toBe(0);
    expect(capacity.usage()).toMatchObject({ softwareMpps: 0, waiting: 0 });
  });
});

