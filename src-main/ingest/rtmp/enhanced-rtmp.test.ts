import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffmpeg, ffprobeStreams } from '../../test-support/ffmpeg-tools.js';
import { RtmpTestClient } from '../../test-support/rtmp-client.js';
import { until } from '../../test-support/wait.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import type { Frame, Track } from '../../media/index.js';

const studio = useStudio();

/** Real x265 + AAC, taken apart by our demuxer: what an Enhanced RTMP encoder (OBS 30+) would send. */
async function hevcSource(dir: string): Promise<{ tracks: readonly Track[]; frames: Frame[]; file: string }> {
  const file = path.join(dir, 'hevc.ts');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=960x540:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', '4', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'keyint=25:log-level=error', '-c:a', 'aac', '-f', 'mpegts', file]);
  let tracks: readonly Track[] = [];
  const frames: Frame[] = [];
  const demuxer = new TsDemuxer({ onTracks: (t) => (tracks = t), onFrame: (f) => frames.push(f), onError: () => undefined });
  demuxer.push(await fs.readFile(file), Date.now());
  demuxer.end();
  return { tracks, frames, file };
}

const ms = (ticks: number) => Math.round(ticks / 90);

describe('Enhanced RTMP', () => {
  it('takes HEVC sent as hvc1 with a sequence start and coded frames, and previews it', async () => {
    const { tracks, frames, file } = await hevcSource(studio().dir);
    const video = tracks.find((t) => t.kind === 'video')!;
    const audio = tracks.find((t) => t.kind === 'audio')!;
    const client = await RtmpTestClient.open(studio().rtmpPort);
    await client.connect('live');
    expect((await client.publish('hevc')).code).toBe('NetStream.Publish.Start');
    const hvc1 = [...Buffer.from('hvc1')];
    client.media(9, 0, Uint8Array.from([0x90, ...hvc1, ...video.config])); // keyframe | SequenceStart
    client.media(8, 0, Uint8Array.from([0xaf, 0x00, ...audio.config]));
    const start = frames[0]!.dts;
    const started = Date.now();
    for (const f of frames) {
      const dts = ms(f.dts - start);
      // Real time, so the studio's frame rate and keyframe figures mean something.
      const wait = dts - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (f.trackId === video.id) {
        const cts = ms(f.pts - f.dts);
        const head = [(f.keyframe ? 0x90 : 0xa0) | 1, ...hvc1, (cts >> 16) & 0xff, (cts >> 8) & 0xff, cts & 0xff];
        client.media(9, dts, Uint8Array.from([...head, ...f.data]));
      } else {
        client.media(8, dts, Uint8Array.from([0xaf, 0x01, ...f.data]));
      }
    }
    const [probed] = await ffprobeStreams(file);
    const s = await until('hevc stream', async () => {
      const info = await studio().stream('live/hevc');
      return info?.video && info.framesIn > 50 ? info : null;
    });
    expect(s.video).toMatchObject({ codec: 'hevc', width: probed!.width, height: probed!.height, profile: 'Main', bFrames: true }); // x265 uses B-frames: composition times came through
    expect(s.keyframeInterval.average).toBeCloseTo(1, 1);
    expect(s.errors).toEqual({ continuity: 0, timestampJumps: 0, droppedFrames: 0 });
    const res = await fetch(new URL('/live/hevc/preview.jpg', studio().urls.http));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    client.close();
  }, 30_000);
});
