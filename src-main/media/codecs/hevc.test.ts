import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { CodecParseError } from './codec-error.js';
import { buildHvcC, hevcPpsId, hevcProfileName, hevcVpsId, parseHevcSps, parseHvcC } from './hevc.js';
import { HevcNalType, hevcNalType, splitAnnexB } from './nal.js';
import { fuzzParser } from './testing/bytes.js';
import { ffmpeg, ffprobe, hexDumpToBytes } from './testing/media-fixtures.js';
import { lavfiInputs, parseRate } from '../../test-support/ffmpeg-tools.js';

interface Encode {
  name: string;
  size: string;
  rate: string;
  args: string[];
  profile: string;
  bitDepth: number;
  chromaFormatIdc: number;
  /** x265 puts an "info" SEI array in the record unless told not to; buildHvcC writes parameter sets only. */
  seiArray: boolean;
}

// 854 and 362 are not multiples of x265's 8-sample minimum CU: a conformance window crops them.
const encodes: Encode[] = [
  { name: '854x480 Main 25', size: '854x480', rate: '25', args: ['-pix_fmt', 'yuv420p'], profile: 'Main', bitDepth: 8, chromaFormatIdc: 1, seiArray: true },
  { name: '1920x1080 Main 10 30', size: '1920x1080', rate: '30', args: ['-pix_fmt', 'yuv420p10le'], profile: 'Main 10', bitDepth: 10, chromaFormatIdc: 1, seiArray: true },
  { name: '642x362 4:4:4 Range Extensions', size: '642x362', rate: '50', args: ['-pix_fmt', 'yuv444p'], profile: 'Range Extensions', bitDepth: 8, chromaFormatIdc: 3, seiArray: true },
  { name: '352x288 Main 29.97, no SEI', size: '352x288', rate: '30000/1001', args: ['-pix_fmt', 'yuv420p', '-x265-params', 'info=0:log-level=error'], profile: 'Main', bitDepth: 8, chromaFormatIdc: 1, seiArray: false },
  { name: '320x240 wavefront', size: '320x240', rate: '24', args: ['-x265-params', 'wpp=1:min-cu-size=16:info=0:log-level=error'], profile: 'Main', bitDepth: 8, chromaFormatIdc: 1, seiArray: false },
];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-hevc-'));
});
afterAll(() => cleanup());

describe('parseHevcSps and hvcC against ffmpeg', () => {
  it.each(encodes)('$name', async (e) => {
    const slug = e.name.replace(/\W+/g, '_');
    const x265Quiet = e.args.includes('-x265-params') ? [] : ['-x265-params', 'log-level=error'];
    const input = [...lavfiInputs({ size: e.size, rate: 1, seconds: 1 }), '-r', e.rate, '-frames:v', '2', '-c:v', 'libx265', ...x265Quiet, ...e.args];
    const mp4 = await ffmpeg(dir, `${slug}.mp4`, [...input, '-tag:v', 'hvc1', '-f', 'mp4']);
    const stream = (await ffprobe(mp4, { extradata: true })).streams[0]!;
    const record = hexDumpToBytes(stream.extradata!);

    const hvcc = parseHvcC(record);
    expect(hvcc.lengthSize).toBe(4);
    expect([hvcc.vps.length, hvcc.sps.length, hvcc.pps.length]).toEqual([1, 1, 1]);
    const info = parseHevcSps(hvcc.sps[0]!);
    expect(info.width).toBe(stream.width);
    expect(info.height).toBe(stream.height);
    expect(info.profile).toBe(e.profile);
    expect(stream.profile).toBe(e.profile === 'Range Extensions' ? 'Rext' : e.profile); // ffmpeg's short name
    expect(info.levelIdc).toBe(stream.level);
    expect(info.level).toBe((stream.level! / 30).toFixed(1));
    expect(info.profileIdc).toBe(hvcc.profileIdc);
    expect(info.fps).toBeCloseTo(parseRate(stream.r_frame_rate)!, 6);
    expect(info.bitDepth).toBe(e.bitDepth);
    expect(info.chromaFormatIdc).toBe(e.chromaFormatIdc);

    // The round trip reproduces ffmpeg's record; x265's SEI array, when there is one, comes last and is not rebuilt.
    const built = buildHvcC(hvcc.vps, hvcc.sps, hvcc.pps);
    const expected = e.seiArray ? Uint8Array.from(record.subarray(0, built.length)) : record;
    if (e.seiArray) expected[22] = record[22]! - 1; // numOfArrays without the SEI one
    expect(built).toEqual(expected);

    const annexB = new Uint8Array(await fs.readFile(await ffmpeg(dir, `${slug}.hevc`, [...input, '-f', 'hevc'])));
    const nals = splitAnnexB(annexB);
    const vps = nals.find((n) => hevcNalType(n) === HevcNalType.VPS)!;
    const pps = nals.find((n) => hevcNalType(n) === HevcNalType.PPS)!;
    expect(vps).toEqual(hvcc.vps[0]);
    expect(nals.find((n) => hevcNalType(n) === HevcNalType.SPS)).toEqual(hvcc.sps[0]);
    expect(pps).toEqual(hvcc.pps[0]);
    expect(hevcVpsId(vps)).toBe(0);
    expect(hevcPpsId(pps)).toBe(0);
  });
});

describe('HEVC by hand', () => {
  it('names profiles by general_profile_idc', () => {
    expect(hevcProfileName(3)).toBe('Main Still Picture');
    expect(hevcProfileName(4)).toBe('Range Extensions');
    expect(hevcProfileName(42)).toBe('Profile 42');
  });

  it('rejects other NAL types, enhancement layers and empty input with CodecParseError', () => {
    expect(() => parseHevcSps(Uint8Array.of(0x40, 0x01, 0x0c))).toThrow(CodecParseError); // a VPS
    expect(() => parseHevcSps(Uint8Array.of(0x42, 0x09, 0x01))).toThrow(CodecParseError); // SPS of nuh_layer_id 1
    expect(() => parseHevcSps(new Uint8Array(0))).toThrow(CodecParseError);
    expect(() => parseHvcC(new Uint8Array(22))).toThrow(CodecParseError);
    expect(() => buildHvcC([], [], [])).toThrow(CodecParseError);
  });
});

describe('fuzz', () => {
  it('parseHevcSps, parseHvcC and buildHvcC throw only CodecParseError', async () => {
    const mp4 = await ffmpeg(dir, 'fuzz.mp4', [...lavfiInputs({ size: '1280x720', seconds: 0.1 }), '-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-f', 'mp4']);
    const record = hexDumpToBytes((await ffprobe(mp4, { extradata: true })).streams[0]!.extradata!);
    const hvcc = parseHvcC(record);
    fuzzParser([hvcc.sps[0]!], parseHevcSps, CodecParseError, 3000, 265);
    fuzzParser([record], parseHvcC, CodecParseError, 3000, 266);
    fuzzParser(
      [hvcc.sps[0]!, hvcc.pps[0]!],
      (nal) => (hevcNalType(nal) === HevcNalType.SPS ? buildHvcC(hvcc.vps, [nal], hvcc.pps) : buildHvcC(hvcc.vps, hvcc.sps, [nal])),
      CodecParseError,
      1500,
      267,
    );
  });
});
