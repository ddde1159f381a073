import { describe, expect, it } from 'vitest';
import { FlvFormatError, FlvUnsupportedError, parseFlvAudio, parseFlvVideo } from './flv-media.js';

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const fourCc = (s: string) => [...Buffer.from(s)];

describe('FLV video tag bodies', () => {
  it('reads legacy AVC: sequence header, frames with composition time, end of sequence', () => {
    expect(parseFlvVideo(b(0x17, 0, 0, 0, 0, 1, 0x64))).toMatchObject({ kind: 'config', codec: 'h264', record: b(1, 0x64) });
    const frame = parseFlvVideo(b(0x27, 1, 0xff, 0xff, 0xfe, 0, 0, 0, 1, 0x41));
    expect(frame).toMatchObject({ kind: 'frame', codec: 'h264', keyframe: false, compositionTime: -2 });
    expect(parseFlvVideo(b(0x17, 1, 0, 0, 40, 9))).toMatchObject({ keyframe: true, compositionTime: 40 });
    expect(parseFlvVideo(b(0x17, 2, 0, 0, 0))).toEqual({ kind: 'end' });
  });

  it('reads Enhanced RTMP: hvc1 sequence start, coded frames with and without composition time, av01', () => {
    expect(parseFlvVideo(b(0x90, ...fourCc('hvc1'), 1, 2))).toMatchObject({ kind: 'config', codec: 'hevc', record: b(1, 2) });
    expect(parseFlvVideo(b(0x91, ...fourCc('hvc1'), 0, 0, 33, 7))).toMatchObject({ kind: 'frame', codec: 'hevc', keyframe: true, compositionTime: 33, data: b(7) });
    expect(parseFlvVideo(b(0xa3, ...fourCc('hvc1'), 7))).toMatchObject({ kind: 'frame', keyframe: false, compositionTime: 0, data: b(7) });
    expect(parseFlvVideo(b(0x91, ...fourCc('av01'), 0x12, 0))).toMatchObject({ kind: 'frame', codec: 'av1', data: b(0x12, 0) });
  });

  it('names the codecs it refuses', () => {
    expect(() => parseFlvVideo(b(0x14, 0))).toThrow(new FlvUnsupportedError('video codec On2 VP6 is not supported; use H.264, HEVC or AV1'));
    expect(() => parseFlvVideo(b(0x12, 0))).toThrow(/Sorenson H\.263/);
    expect(() => parseFlvVideo(b(0x90, ...fourCc('vp09')))).toThrow(/"vp09" is not supported/);
    expect(() => parseFlvVideo(b(0x96, ...fourCc('hvc1')))).toThrow(/multitrack/);
    expect(() => parseFlvVideo(b(0x17, 1))).toThrow(FlvFormatError);
    expect(() => parseFlvVideo(b())).toThrow(FlvFormatError);
  });
});

describe('FLV audio tag bodies', () => {
  it('reads AAC and Enhanced RTMP mp4a', () => {
    expect(parseFlvAudio(b(0xaf, 0, 0x11, 0x90))).toMatchObject({ kind: 'config', codec: 'aac', record: b(0x11, 0x90) });
    expect(parseFlvAudio(b(0xaf, 1, 0x21))).toMatchObject({ kind: 'frame', data: b(0x21) });
    expect(parseFlvAudio(b(0x90, ...fourCc('mp4a'), 0x11, 0x90))).toMatchObject({ kind: 'config', codec: 'aac' });
  });

  it('refuses Speex, Nellymoser, MP3 and Opus by name', () => {
    expect(() => parseFlvAudio(b(0xb6, 0))).toThrow('audio codec Speex is not supported; use AAC');
    expect(() => parseFlvAudio(b(0x66, 0))).toThrow(/Nellymoser/);
    expect(() => parseFlvAudio(b(0x2f, 0))).toThrow(/MP3/);
    expect(() => parseFlvAudio(b(0x90, ...fourCc('Opus'), 0))).toThrow(/"Opus"/);
  });
});

describe('FLV parsing under random input (fuzz)', () => {
  it('only ever throws its own errors, or a codec parse error from the track builder', async () => {
    const { FlvTrackBuilder } = await import('../../ingest/rtmp/flv-track-builder.js');
    const { CodecParseError } = await import('../../media/codecs/index.js');
    let seed = 99;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const session = { setTracks: () => undefined, pushFrame: () => undefined, countError: () => undefined, end: () => undefined, active: true };
    // A real avcC (640x360 High) and AAC config as seeds, so mutations reach deep into the parsers.
    const avcc = Buffer.from('01640029ffe1001c67640029acd9402802dd80880000030008000003018078c18c960100066beb8cb22c', 'hex');
    const seeds = [
      Uint8Array.from([0x17, 0, 0, 0, 0, ...avcc]),
      Uint8Array.from([0xaf, 0, 0x11, 0x90]),
      Uint8Array.from([0x17, 1, 0, 0, 0, 0, 0, 0, 5, 0x65, 0x88, 0x84, 0x00, 0x10]),
      Uint8Array.from([0x90, ...Buffer.from('hvc1'), 1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f]),
    ];
    // A fixed number of rounds: a hang is caught by the test's timeout; speed is not this test's business.
    for (let i = 0; i < 5000; i++) {
      const seed0 = seeds[i % seeds.length]!;
      const body = seed0.slice(0, 1 + Math.floor(rand() * seed0.length));
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) body[Math.floor(rand() * body.length)] = Math.floor(rand() * 256);
      const builder = new FlvTrackBuilder(session);
      try {
        builder.videoMessage(i, seeds[0]!);
        if (i % 2) builder.videoMessage(i, body);
        else builder.audioMessage(i, body);
      } catch (err) {
        expect([FlvFormatError, FlvUnsupportedError, CodecParseError].some((E) => err instanceof E)).toBe(true);
      }
    }
  });
});
