import { describe, expect, it } from 'vitest';
import type { AudioTrack, Frame, VideoTrack } from '../../media/frame.js';
import { buildMediaSegment, buildMediaSegmentParts, Fmp4WriteError, readFragmentSummary, type MediaSegmentInput } from './index.js';
import { childTypes, findBox, fromHex, hex, u32At } from './testing/boxes.js';

// The writer never looks inside payloads or configs when building media segments.
const video: VideoTrack = { kind: 'video', id: 0, codec: 'h264', timescale: 90000, config: new Uint8Array(), width: 320, height: 240, profile: 'High', level: '3.0', declaredFps: 30 };
const audio: AudioTrack = { kind: 'audio', id: 1, codec: 'aac', timescale: 48000, config: fromHex('1190'), sampleRate: 48000, channels: 2, profile: 'LC' };

function frame(trackId: number, dts: number, payload: number[], o: { pts?: number; keyframe?: boolean } = {}): Frame {
  return { trackId, dts, pts: o.pts ?? dts, keyframe: o.keyframe ?? trackId === audio.id, data: Uint8Array.from(payload), arrivedAt: 0 };
}

function segment(samples: Frame[], o: Partial<MediaSegmentInput> = {}) {
  return buildMediaSegment({ sequenceNumber: 1, tracks: [video, audio], samples, baseDecodeTimes: new Map(), ...o });
}

/** sample_duration of each trun entry (entries after sample_count and data_offset). */
function trunDurations(bytes: Uint8Array, traf = 'traf'): number[] {
  const trun = findBox(bytes, 'moof', traf, 'trun');
  const fields = [0x100, 0x200, 0x400, 0x800].filter((f) => u32At(trun, 8) & f).length;
  const count = u32At(trun, 12);
  return Array.from({ length: count }, (_, i) => u32At(trun, 20 + i * fields * 4));
}

describe('buildMediaSegment', () => {
  it('writes styp, moof (mfhd, traf: tfhd, tfdt v1, trun v1) and mdat, field by field', () => {
    // I P B in decode order: composition offsets 3000, 6000, 0; a 64-bit tfdt.
    const samples = [frame(0, 0, [1, 1, 1, 1, 1], { pts: 3000, keyframe: true }), frame(0, 3000, [2, 2, 2], { pts: 9000 }), frame(0, 6000, [3, 3], { pts: 6000 })];
    const { bytes, payloadOffsets, tracks } = buildMediaSegment({
      sequenceNumber: 7,
      tracks: [video, audio],
      samples,
      baseDecodeTimes: new Map([[0, 2 ** 33 + 7]]),
      lastDurations: new Map([[0, 3003]]),
    });
    expect(hex(bytes)).toBe(
      hex(
        fromHex(`
          00000018 73747970  636d6673 00000000 636d6673 6d736468
          00000088 6d6f6f66
            00000010 6d666864 00000000 00000007
            00000070 74726166
              00000010 74666864 00020000 00000001
              00000014 74666474 01000000 00000002 00000007
              00000044 7472756e 01000f01 00000003 00000090
                00000bb8 00000005 02000000 00000bb8
                00000bb8 00000003 01010000 00001770
                00000bbb 00000002 01010000 00000000
          00000012 6d646174 0101010101 020202 0303`),
      ),
    );
    // data_offset 0x90 = moof (136) + mdat header (8); tfhd flags: default-base-is-moof; trun flags: data offset, duration, size, flags, composition offset.
    expect([...payloadOffsets]).toEqual([24 + 136 + 8, 24 + 136 + 8 + 5, 24 + 136 + 8 + 8]);
    expect(tracks).toEqual([{ trackId: 0, baseDecodeTime: 2 ** 33 + 7, sampleCount: 3, duration: 9003, firstSampleIsSync: true }]);
  });

  it('leaves composition offsets out (trun version 0) when every pts equals its dts', () => {
    const { bytes } = segment([frame(1, 0, [1]), frame(1, 1024, [2])]);
    const trun = findBox(bytes, 'moof', 'traf', 'trun');
    expect(u32At(trun, 8)).toBe(0x000701); // version 0; data offset, duration, size, flags
    expect(trun.length).toBe(20 + 2 * 12);
  });

  it('puts samples in the mdat track by track in the order of tracks, each traf pointing at its own', () => {
    const samples = [frame(1, 0, [0xa1]), frame(0, 0, [0xb1, 0xb1], { keyframe: true }), frame(1, 1024, [0xa2]), frame(0, 3000, [0xb2, 0xb2]), frame(1, 2048, [0xa3])];
    const { bytes, payloadOffsets } = segment(samples);
    expect(childTypes(bytes, 'moof')).toEqual(['mfhd', 'traf', 'traf']);
    const moofStart = 24;
    const mdat = findBox(bytes, 'mdat');
    expect(hex(mdat.subarray(8))).toBe('b1b1b2b2a1a2a3');
    const videoOffset = u32At(findBox(bytes, 'moof', 'traf', 'trun'), 16);
    const audioOffset = u32At(findBox(bytes, 'moof', 'traf[1]', 'trun'), 16);
    expect(bytes[moofStart + videoOffset]).toBe(0xb1);
    expect(bytes[moofStart + audioOffset]).toBe(0xa1);
    samples.forEach((f, i) => expect(hex(bytes.subarray(payloadOffsets[i]!, payloadOffsets[i]! + f.data.length))).toBe(hex(f.data)));
    // sample_flags: video sync / non-sync as CMAF and ffmpeg write them; audio all sync
    const videoTrun = findBox(bytes, 'moof', 'traf', 'trun');
    expect([u32At(videoTrun, 28), u32At(videoTrun, 40)]).toEqual([0x02000000, 0x01010000]);
    expect(u32At(findBox(bytes, 'moof', 'traf[1]', 'trun'), 28)).toBe(0x02000000);
  });

  it('gives the same segment as a head and the payloads themselves, for a gathering write', () => {
    const samples = [frame(1, 0, [0xa1]), frame(0, 0, [0xb1, 0xb1], { keyframe: true, pts: 3000 }), frame(1, 1024, [0xa2]), frame(0, 3000, [0xb2, 0xb2], { pts: 6000 })];
    const whole = segment(samples);
    const parts = buildMediaSegmentParts({ sequenceNumber: 1, tracks: [video, audio], samples, baseDecodeTimes: new Map() });
    // Not copies: the very arrays the frames carry, in mdat order.
    expect(parts.payloads).toHaveLength(4);
    parts.payloads.forEach((p, i) => expect(p).toBe(samples[[1, 3, 0, 2][i]!]!.data));
    const joined = Buffer.concat([parts.head, ...parts.payloads]);
    expect(parts.byteLength).toBe(joined.length);
    expect(hex(joined)).toBe(hex(whole.bytes));
    expect([...parts.payloadOffsets]).toEqual([...whole.payloadOffsets]);
    expect(parts.tracks).toEqual(whole.tracks);
    // The head ends with the mdat header, whose size counts the payloads after it.
    expect(u32At(parts.head, parts.head.length - 8)).toBe(8 + 6);
    expect(new TextDecoder().decode(parts.head.subarray(-4))).toBe('mdat');
  });

  it('gives the last sample the caller hint, else the previous duration, else one typical frame', () => {
    const two = [frame(0, 0, [1], { keyframe: true }), frame(0, 3003, [2])];
    expect(trunDurations(segment(two, { lastDurations: new Map([[0, 2999]]) }).bytes)).toEqual([3003, 2999]);
    expect(trunDurations(segment(two).bytes)).toEqual([3003, 3003]);
    expect(trunDurations(segment(two, { lastDurations: new Map([[0, -40]]) }).bytes)).toEqual([3003, 3003]); // a jump at the cut: hint ignored
    expect(trunDurations(segment([frame(0, 0, [1], { keyframe: true })]).bytes)).toEqual([3000]); // 90 kHz / 30
    expect(trunDurations(segment([frame(1, 0, [1])]).bytes)).toEqual([1024]); // AAC at its own rate
    const at90k = { ...audio, timescale: 90000 };
    expect(trunDurations(buildMediaSegment({ sequenceNumber: 1, tracks: [at90k], samples: [frame(1, 0, [1])], baseDecodeTimes: new Map() }).bytes)).toEqual([1920]);
    // HE-AACv2 (24 kHz core, 48 kHz out): a frame is 1024 core samples = 2048 output samples
    const heAac = { ...audio, config: fromHex('eb098800') };
    expect(trunDurations(buildMediaSegment({ sequenceNumber: 1, tracks: [heAac], samples: [frame(1, 0, [1])], baseDecodeTimes: new Map() }).bytes)).toEqual([2048]);
  });

  it('takes tfdt from baseDecodeTimes, or the first dts; omits tracks without samples; reports a non-key start', () => {
    const { bytes, tracks } = segment([frame(0, 500, [1]), frame(0, 3500, [2])], { baseDecodeTimes: new Map([[1, 99]]) });
    expect(childTypes(bytes, 'moof')).toEqual(['mfhd', 'traf']);
    expect(tracks).toEqual([{ trackId: 0, baseDecodeTime: 500, sampleCount: 2, duration: 6000, firstSampleIsSync: false }]);
    expect(readFragmentSummary(bytes).tracks).toEqual(tracks);
  });

  it('refuses samples it cannot describe, saying which', () => {
    expect(() => segment([])).toThrow(Fmp4WriteError);
    expect(() => segment([frame(4, 0, [1])])).toThrow(new Fmp4WriteError("sample of track 4, which is not among the segment's tracks"));
    expect(() => segment([frame(0, 3000, [1]), frame(0, 0, [2])])).toThrow(
      new Fmp4WriteError('track 0: decode time goes from 3000 to 0; a sample duration must be a 32-bit count of ticks'),
    );
    expect(() => segment([frame(0, 0, [1]), frame(0, 2 ** 32, [2])])).toThrow(Fmp4WriteError);
    expect(() => segment([frame(0, 0, [1]), frame(0, 0.5, [2])])).toThrow(Fmp4WriteError);
    expect(() => segment([frame(0, 0, [1], { pts: 2 ** 31 })])).toThrow(Fmp4WriteError);
    expect(() => segment([frame(0, 0, [1])], { baseDecodeTimes: new Map([[0, -1]]) })).toThrow(Fmp4WriteError);
    expect(() => segment([frame(0, 0, [1])], { sequenceNumber: 2 ** 32 })).toThrow(Fmp4WriteError);
  });
});
