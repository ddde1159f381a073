// The fragmented-MP4 body parser against what ffmpeg's ismv muxer (Live Smooth) and mp4
// muxer (CMAF-style, tfdt) write, fed in ragged chunks as a network delivers them.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Frame, Track } from '../../media/index.js';
import { Fmp4ParseError } from '../../formats/fmp4/index.js';
import { ffmpeg, ffprobeJson, lavfiInputs } from '../../test-support/ffmpeg-tools.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { FragmentedMp4Ingest, smoothIngestPath } from './fragmented-ingest.js';

const dir = useTempDir('framehouse-fmp4-ingest-');

function feed(bytes: Buffer, seed = 7): { tracks: Track[]; frames: Frame[] } {
  const out = { tracks: [] as Track[], frames: [] as Frame[] };
  const ingest = new FragmentedMp4Ingest({ setTracks: (t) => (out.tracks = [...t]), pushFrame: (f) => out.frames.push(f) });
  let x = seed;
  for (let at = 0; at < bytes.length; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 9000);
    ingest.push(bytes.subarray(at, at + n), 0);
    at += n;
  }
  return out;
}

async function packets(file: string): Promise<{ video: number; audio: number; lastVideoPts: number }> {
  const probed = await ffprobeJson<{ packets: { codec_type: string; pts_time: string }[] }>(['-show_entries', 'packet=codec_type,pts_time', file]);
  const video = probed.packets.filter((p) => p.codec_type === 'video');
  return { video: video.length, audio: probed.packets.length - video.length, lastVideoPts: Math.max(...video.map((p) => Number(p.pts_time))) };
}

describe('fragmented MP4 ingest', () => {
  for (const kind of ['ismv', 'cmaf'] as const) {
    it(`reads ${kind === 'ismv' ? "Smooth's ismv (tfxd times, a uuid manifest)" : 'CMAF-style fragments (tfdt)'} in ragged chunks, every sample once`, async () => {
      const file = path.join(dir(), `src.${kind === 'ismv' ? 'ismv' : 'mp4'}`);
      const muxer = kind === 'ismv' ? ['-movflags', 'isml+frag_keyframe', '-f', 'ismv'] : ['-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4'];
      await ffmpeg([...lavfiInputs({ size: '320x180', seconds: 4, audioRate: 48000 }), '-c:v', 'libx264', '-g', '30', '-bf', '2', '-c:a', 'aac', ...muxer, '-y', file]);
      const { tracks, frames } = feed(await fs.readFile(file));
      expect(tracks.map((t) => [t.id, t.kind, t.codec])).toEqual([
        [0, 'video', 'h264'],
        [1, 'audio', 'aac'],
      ]);
      const expected = await packets(file);
      expect(frames.filter((f) => f.trackId === 0)).toHaveLength(expected.video);
      expect(frames.filter((f) => f.trackId === 1)).toHaveLength(expected.audio);
      const video = frames.filter((f) => f.trackId === 0);
      expect(video[0]!.keyframe).toBe(true);
      // Times are the file's: the last picture where ffprobe puts it.
      const last = Math.max(...video.map((f) => f.pts)) / tracks[0]!.timescale - 10;
      expect(Math.abs(last - expected.lastVideoPts)).toBeLessThan(0.1);
      // Decode times never step back within a track (fragment after fragment).
      expect(video.every((f, i) => i === 0 || f.dts > video[i - 1]!.dts)).toBe(true);
    }, 30_000);
  }

  it('refuses what is not fragmented MP4, and boxes beyond its limits', () => {
    const ingest = () => new FragmentedMp4Ingest({ setTracks: () => undefined, pushFrame: () => undefined });
    expect(() => ingest().push(Buffer.from('GET / HTTP/1.1\r\n\r\n'), 0)).toThrow(Fmp4ParseError);
    const huge = Buffer.alloc(16);
    huge.writeUInt32BE(200 << 20, 0);
    huge.write('moov', 4);
    expect(() => ingest().push(huge, 0)).toThrow(/beyond/);
    const tiny = Buffer.alloc(8);
    tiny.writeUInt32BE(4, 0);
    tiny.write('free', 4);
    expect(() => ingest().push(tiny, 0)).toThrow(Fmp4ParseError);
    const orphan = Buffer.alloc(16);
    orphan.writeUInt32BE(16, 0);
    orphan.write('mdat', 4);
    expect(() => ingest().push(orphan, 0)).toThrow(/before any moof/);
    expect(smoothIngestPath('live/cam.isml/Streams(video)')).toEqual({ name: 'live/cam', id: 'video' });
    expect(smoothIngestPath('live/cam.isml/Streams(a(b))')).toBeNull();
    expect(smoothIngestPath('live/cam/mpegts')).toBeNull();
  });
});
