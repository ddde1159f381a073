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
