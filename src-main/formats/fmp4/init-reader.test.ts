// The init reader against our writer (round trip) and against what ffmpeg writes.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../media/frame.js';
import { ffmpeg } from '../../media/codecs/testing/media-fixtures.js';
import { lavfiInputs } from '../../test-support/ffmpeg-tools.js';
import { fuzzParser } from '../../media/codecs/testing/bytes.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { buildInitSegment, Fmp4ParseError, readInitSegment, readInitTracks } from './index.js';
import { av1Source, probe, tsSource, type MediaSource } from './testing/sources.js';

let dir: string;
let cleanup: () => Promise<void>;
const sources = new Map<string, MediaSource>();
let ffmpegFragmented: { bytes: Uint8Array; file: string };

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-init-reader-'));
  const [h264, hevc, av1] = await Promise.all([
    tsSource(dir, 'h264.ts', [...lavfiInputs({ size: '640x360', rate: 30, seconds: 1, audioRate: 48000 }), '-c:v', 'libx264', '-bf', '2', '-g', '30', '-c:a', 'aac', '-ac', '2']),
    tsSource(dir, 'hevc.ts', [
      ...lavfiInputs({ size: '854x480', rate: 25, seconds: 1, audioRate: 44100 }),
      ...['-c:v', 'libx265', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error:keyint=25', '-c:a', 'aac', '-ac', '1'],
    ]),
    av1Source(dir, lavfiInputs({ size: '320x240', rate: 25, seconds: 1 })),
  ]);
  sources.set('H.264 + AAC stereo', h264);
  sources.set('HEVC Main 10 + AAC mono', hevc);
  sources.set('AV1', av1);
  const file = await ffmpeg(dir, 'fragmented.mp4', [
    ...lavfiInputs({ size: '426x240', rate: 25, seconds: 2, audioRate: 44100 }),
    ...['-c:v', 'libx264', '-g', '25', '-c:a', 'aac', '-ac', '2', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4'],
  ]);
  ffmpegFragmented = { file, bytes: new Uint8Array(await fs.readFile(file)) };
}, 60_000);
afterAll(() => cleanup());

describe('readInitTracks', () => {
  it.each(['H.264 + AAC stereo', 'HEVC Main 10 + AAC mono', 'AV1'])('reads back the tracks buildInitSegment wrote (%s)', (name) => {
    const tracks = sources.get(name)!.tracks;
    expect(readInitTracks(buildInitSegment(tracks))).toEqual(tracks);
  });

  it('keeps track ids (track_ID - 1) and timescales of sparse, differently clocked tracks', () => {
    const [video, audio] = sources.get('H.264 + AAC stereo')!.tracks as [Track, Track];
    const tracks: Track[] = [
      { ...audio, id: 4, timescale: 48_000 },
      { ...video, id: 2, timescale: 1000 },
    ];
    expect(readInitTracks(buildInitSegment(tracks))).toEqual(tracks);
  });

  it("reads ffmpeg's fragmented MP4 (empty_moov): codecs, sizes, rates and timescales as ffprobe sees them, trex defaults", async () => {
    const { tracks, sampleDefaults } = readInitSegment(ffmpegFragmented.bytes);
    const probed = await probe(ffmpegFragmented.file);
    expect(tracks.map((t) => t.kind)).toEqual(probed.streams.map((s) => s.codec_type));
    tracks.forEach((track, i) => {
      const stream = probed.streams[i]!;
      expect(track.id).toBe(i);
      expect(`1/${track.timescale}`).toBe(stream.time_base);
      if (track.kind === 'video') {
        expect({ codec: track.codec, width: track.width, height: track.height, profile: track.profile }).toEqual({ codec: stream.codec_name, width: stream.width, height: stream.height, profile: stream.profile });
      } else {
        expect({ codec: track.codec, sampleRate: String(track.sampleRate), channels: track.channels, profile: track.profile }).toEqual({
          codec: stream.codec_name,
          sampleRate: stream.sample_rate,
          channels: stream.channels,
          profile: stream.profile,
        });
      }
      expect(sampleDefaults.has(track.id)).toBe(true);
    });
  });

  it("reads ffmpeg's Opus in MP4 (dOps) and writes it back as ffprobe reads it", async () => {
    const file = await ffmpeg(dir, 'opus.mp4', ['-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=1', '-ac', '2', '-c:a', 'libopus', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4']);
    const [opus] = readInitTracks(new Uint8Array(await fs.readFile(file)));
    expect(opus).toMatchObject({ kind: 'audio', codec: 'opus', sampleRate: 48_000, channels: 2, timescale: 48_000 });
    expect(opus!.config[0]).toBe(0); // dOps version
    expect(readInitTracks(buildInitSegment([opus!]))).toEqual([opus]);
    const ours = `${dir}/ours-opus.mp4`;
    await fs.writeFile(ours, buildInitSegment([opus!]));
    const probed = await probe(ours);
    expect(probed.streams.map((s) => [s.codec_name, s.channels, s.sample_rate])).toEqual([['opus', 2, '48000']]);
  });

  it('throws only Fmp4ParseError for media segments, empty input and damaged copies', () => {
    expect(() => readInitTracks(new Uint8Array(0))).toThrow(Fmp4ParseError);
    expect(() => readInitTracks(Uint8Array.of(0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65))).toThrow(/no moov/);
    const inits = [...sources.values()].map((s) => buildInitSegment(s.tracks));
    // Every cut of an init is refused: a half-written init must never pass for a (shorter) track list.
    for (const init of inits) {
      for (let cut = 0; cut < init.length; cut++) expect(() => readInitTracks(init.subarray(0, cut)), `cut at ${cut} of ${init.length}`).toThrow(Fmp4ParseError);
    }
    fuzzParser([...inits, ffmpegFragmented.bytes.subarray(0, 2000)], readInitTracks, Fmp4ParseError, 300, 0x1417);
  });
});
