import { describe, expect, it } from 'vitest';
import type { AudioTrack, Frame, VideoTrack } from '../../media/frame.js';
import { mutate, seededRandom } from '../../media/codecs/testing/bytes.js';
import { type BoxWriter, writeBoxes } from './box-writer.js';
import { buildMediaSegment, Fmp4ParseError, readFragmentSummary } from './index.js';
import { fromHex } from './testing/boxes.js';

const video: VideoTrack = { kind: 'video', id: 0, codec: 'h264', timescale: 90000, config: new Uint8Array(), width: 320, height: 240, profile: 'High', level: '3.0', declaredFps: 30 };
const audio: AudioTrack = { kind: 'audio', id: 1, codec: 'aac', timescale: 48000, config: fromHex('1190'), sampleRate: 48000, channels: 2, profile: 'LC' };

/** A plausible segment: a keyframe-led GOP of `frames` pictures (B-frame offsets) with AAC interleaved. */
function syntheticSegment(random: () => number, frames: number, sequenceNumber: number) {
  const samples: Frame[] = [];
  const payload = () => new Uint8Array(1 + Math.floor(random() * 40));
  for (let i = 0; i < frames; i++) {
    samples.push({ trackId: 0, dts: 9000 + i * 3000, pts: 9000 + i * 3000 + (i % 3) * 3000, keyframe: i === 0, data: payload(), arrivedAt: 0 });
    if (i % 2 === 0) samples.push({ trackId: 1, dts: 4800 + i * 800, pts: 4800 + i * 800, keyframe: true, data: payload(), arrivedAt: 0 });
  }
  return buildMediaSegment({ sequenceNumber, tracks: [video, audio], samples, baseDecodeTimes: new Map([[0, 9000]]), lastDurations: new Map([[0, 3000]]) });
}

/** A segment of a shape our writer does not make, but the reader follows: defaults in tfhd, runs without data_offset. */
function foreignSegment(o: { mdatSize?: 'large' | 'to-end'; trackId?: number; withTfdt?: boolean; sampleCount?: number; dataOffset?: number } = {}): Uint8Array {
  const payload = new Uint8Array(6 * 10);
  return writeBoxes((w: BoxWriter) => {
    const moofStart = w.offset;
    w.box('moof', () => {
      w.fullBox('mfhd', 0, 0, () => w.u32(42));
      w.box('traf', () => {
        // base-data-offset present (from the file start), default duration 1000, default size 10, default flags: non-sync
        w.fullBox('tfhd', 0, 0x01 | 0x08 | 0x10 | 0x20, () => {
          w.u32(o.trackId ?? 3);
          w.u64(moofStart);
          w.u32(1000);
          w.u32(10);
          w.u32(0x01010000);
        });
        if (o.withTfdt !== false) w.fullBox('tfdt', 0, 0, () => w.u32(123456));
        w.fullBox('trun', 0, 0x01 | 0x04, () => {
          w.u32(o.sampleCount ?? 2); // sample_count
          w.i32(o.dataOffset ?? 0); // data_offset
          w.u32(0x02000000); // first_sample_flags: sync
        });
        w.fullBox('trun', 0, 0, () => w.u32(4)); // continues right after the first run's data
      });
    });
    if (o.mdatSize === 'large') {
      w.u32(1);
      w.fourCC('mdat');
      w.u64(16 + payload.length);
    } else {
      w.u32(o.mdatSize === 'to-end' ? 0 : 8 + payload.length);
      w.fourCC('mdat');
    }
    w.bytes(payload);
  });
}

/** foreignSegment with its first trun's data_offset pointing at the mdat payload: the last 60 bytes (the base is the moof, at 0). */
function foreign(o: Parameters<typeof foreignSegment>[0] = {}): Uint8Array {
  return foreignSegment({ ...o, dataOffset: o.dataOffset ?? foreignSegment(o).length - 60 });
}

describe('readFragmentSummary', () => {
  it('reads back sequence number, tfdt, sample count, duration and first-sample sync of every traf', () => {
    const random = seededRandom(1);
    for (let n = 1; n <= 20; n++) {
      const segment = syntheticSegment(random, n, n);
      expect(readFragmentSummary(segment.bytes)).toEqual({ sequenceNumber: n, tracks: segment.tracks });
    }
  });

  it('follows tfhd defaults, base_data_offset, runs without a data_offset, tfdt v0, largesize and to-the-end mdat sizes', () => {
    const expected = { sequenceNumber: 42, tracks: [{ trackId: 2, baseDecodeTime: 123456, sampleCount: 6, duration: 6000, firstSampleIsSync: true }] };
    for (const mdatSize of [undefined, 'large', 'to-end'] as const) expect(readFragmentSummary(foreign({ mdatSize }))).toEqual(expected);
  });

  it('refuses what it cannot vouch for, with the reason', () => {
    const good = syntheticSegment(seededRandom(2), 10, 1).bytes;
    expect(() => readFragmentSummary(new Uint8Array())).toThrow(new Fmp4ParseError('no moof box: not a media segment'));
    expect(() => readFragmentSummary(good.subarray(0, good.length - 1))).toThrow(/'mdat' box at offset \d+ of \d+ bytes runs past the end \(\d+ bytes left\): truncated/);
    const moofEnd = 24 + new DataView(good.buffer).getUint32(24); // styp (24 bytes), then the moof's size field
    expect(() => readFragmentSummary(good.subarray(0, moofEnd))).toThrow(new Fmp4ParseError('no mdat after the moof: the segment is cut short'));
    expect(() => readFragmentSummary(foreign({ trackId: 0 }))).toThrow(new Fmp4ParseError('tfhd with track_ID 0'));
    expect(() => readFragmentSummary(foreign({ withTfdt: false }))).toThrow(new Fmp4ParseError('traf without a tfdt: its start time is unknown'));
    expect(() => readFragmentSummary(foreign({ sampleCount: 7 }))).toThrow(/trun data at \d+\.\.\d+ lies outside the mdat payload/);
    expect(() => readFragmentSummary(foreign({ dataOffset: 0 }))).toThrow(/lies outside the mdat payload/);
    // a per-sample trun claiming more entries than its box holds
    const lying = good.slice();
    const trunAt = Buffer.from(lying).indexOf('trun') - 4;
    new DataView(lying.buffer).setUint32(trunAt + 12, 0x10000000);
    expect(() => readFragmentSummary(lying)).toThrow(new Fmp4ParseError('trun of 268435456 samples does not fit its box'));
  });

  it('refuses every truncation of a segment: a crash leaves no half segment that passes', () => {
    const segment = syntheticSegment(seededRandom(3), 12, 1).bytes;
    for (let length = 0; length < segment.length; length++) expect(() => readFragmentSummary(segment.subarray(0, length))).toThrow(Fmp4ParseError);
  });

  // A fixed number of seeded rounds, not "as many as fit in 0.5 s": the same inputs on any machine, so a failure replays.
  it('throws nothing but Fmp4ParseError on damaged copies (5000 seeded rounds)', () => {
    const random = seededRandom(0xf4a9);
    const inputs = [1, 3, 30].map((n) => syntheticSegment(random, n, n).bytes).concat([foreign(), foreign({ mdatSize: 'large' })]);
    let rounds = 0;
    while (rounds < 5000) {
      const input = mutate(inputs[rounds++ % inputs.length]!, random);
      try {
        readFragmentSummary(input);
      } catch (error) {
        if (!(error instanceof Fmp4ParseError)) throw new Error(`round ${rounds}: ${String(error)} for ${Buffer.from(input).toString('hex')}`, { cause: error });
      }
    }
    expect(rounds).toBe(5000);
  });
});
