import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { CodecParseError } from './codec-error.js';
import { buildAvcC, parseAvcC, parseH264Sps } from './h264.js';
import { H264NalType, h264NalType, splitAnnexB } from './nal.js';
import { fromBits, fuzzParser } from './testing/bytes.js';
import { ffmpeg, ffprobe, hexDumpToBytes } from './testing/media-fixtures.js';
import { lavfiInputs, parseRate } from '../../test-support/ffmpeg-tools.js';

interface Encode {
  name: string;
  size: string;
  rate: string;
  args: string[];
  bitDepth: number;
  chromaFormatIdc: number;
}

// Cropping (1080 is coded as 1088, 854 as 864), profiles with and without the avcC extension, field coding.
const encodes: Encode[] = [
  { name: '1080p High', size: '1920x1080', rate: '30', args: ['-profile:v', 'high'], bitDepth: 8, chromaFormatIdc: 1 },
  { name: '854x480 Main 25', size: '854x480', rate: '25', args: ['-profile:v', 'main'], bitDepth: 8, chromaFormatIdc: 1 },
  { name: '640x360 Baseline 29.97', size: '640x360', rate: '30000/1001', args: ['-profile:v', 'baseline'], bitDepth: 8, chromaFormatIdc: 1 },
  { name: '322x242 High 10', size: '322x242', rate: '24', args: ['-pix_fmt', 'yuv420p10le'], bitDepth: 10, chromaFormatIdc: 1 },
  { name: '352x288 High 4:2:2', size: '352x288', rate: '50', args: ['-pix_fmt', 'yuv422p'], bitDepth: 8, chromaFormatIdc: 2 },
  { name: '176x144 High 4:4:4', size: '176x144', rate: '15', args: ['-pix_fmt', 'yuv444p'], bitDepth: 8, chromaFormatIdc: 3 },
  { name: '720x576 interlaced', size: '720x576', rate: '25', args: ['-flags', '+ildct+ilme', '-x264-params', 'interlaced=1'], bitDepth: 8, chromaFormatIdc: 1 },
];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-h264-'));
});
afterAll(() => cleanup());

describe('parseH264Sps and avcC against ffmpeg', () => {
  it.each(encodes)('$name', async (e) => {
    const slug = e.name.replace(/\W+/g, '_');
    const input = [...lavfiInputs({ size: e.size, rate: 1, seconds: 1 }), '-r', e.rate, '-frames:v', '2', '-c:v', 'libx264', ...e.args];
    const mp4 = await ffmpeg(dir, `${slug}.mp4`, [...input, '-f', 'mp4']);
    const probe = await ffprobe(mp4, { extradata: true });
    const stream = probe.streams[0]!;
    const record = hexDumpToBytes(stream.extradata!);

    const avcc = parseAvcC(record);
    expect(avcc.lengthSize).toBe(4);
    expect(avcc.sps).toHaveLength(1);
    expect(avcc.pps).toHaveLength(1);
    const info = parseH264Sps(avcc.sps[0]!);
    expect(info.width).toBe(stream.width);
    expect(info.height).toBe(stream.height);
    expect(info.profile).toBe(stream.profile);
    expect(info.levelIdc).toBe(stream.level);
    expect(info.level).toBe(`${Math.floor(stream.level! / 10)}.${stream.level! % 10}`);
    expect(info.profileIdc).toBe(avcc.profileIdc);
    expect(info.fps).toBeCloseTo(parseRate(stream.r_frame_rate)!, 6);
    expect(info.bitDepth).toBe(e.bitDepth);
    expect(info.chromaFormatIdc).toBe(e.chromaFormatIdc);

    // The round trip reproduces ffmpeg's record byte for byte, extension included.
    expect(buildAvcC(avcc.sps, avcc.pps)).toEqual(record);

    // The same encode as an Annex B stream carries the same parameter sets in band.
    const annexB = new Uint8Array(await fs.readFile(await ffmpeg(dir, `${slug}.h264`, [...input, '-f', 'h264'])));
    const nals = splitAnnexB(annexB);
    expect(nals.find((n) => h264NalType(n) === H264NalType.SPS)).toEqual(avcc.sps[0]);
    expect(nals.find((n) => h264NalType(n) === H264NalType.PPS)).toEqual(avcc.pps[0]);
  });
});

describe('parseH264Sps by hand', () => {
  it('rejects other NAL types and empty input with CodecParseError', () => {
    expect(() => parseH264Sps(Uint8Array.of(0x68, 0xee))).toThrow(CodecParseError);
    expect(() => parseH264Sps(new Uint8Array(0))).toThrow(CodecParseError);
    expect(() => parseH264Sps(Uint8Array.of(0x67, 0x64))).toThrow(CodecParseError);
  });

  it('names level 1b and Constrained Baseline', () => {
    // Baseline with constraint_set1 and constraint_set3, level_idc 11; then a 16x16 picture: sps_id, log2_max_frame_num-4,
    // poc_type, log2_max_poc_lsb-4, max_num_ref_frames (all ue 0), gaps 0, width/height-1 (ue 0), frame_mbs_only, direct_8x8, no cropping, no VUI
    const sps = Uint8Array.of(0x67, 66, 0x50, 11, ...fromBits('11111 0 11 1 1 0 0'));
    const info = parseH264Sps(sps);
    expect(info.profile).toBe('Constrained Baseline');
    expect(info.level).toBe('1b');
    expect([info.width, info.height]).toEqual([16, 16]);
    expect(info.fps).toBeNull();
  });

  it('skips the scaling lists of a High profile SPS', () => {
    // High, level 3.0; sps_id 0, chroma_format_idc 1, bit depths 8, no bypass, seq_scaling_matrix_present_flag 1:
    // list 0 present and switched to its default at once (delta_scale -8), list 1 present with 16 explicit deltas of 0,
    // lists 2..7 absent; then the same 16x16 tail as above
    const lists = `1 000010001  1 ${'1'.repeat(16)}  000000`;
    const sps = Uint8Array.of(0x67, 100, 0, 30, ...fromBits(`1 010 1 1 0 1 ${lists} 1111 0 11 1 1 0 0`));
    expect(parseH264Sps(sps)).toMatchObject({ profile: 'High', level: '3.0', width: 16, height: 16, chromaFormatIdc: 1, bitDepth: 8 });
  });

  it('rejects cropping larger than the picture', () => {
    // as above but frame_cropping_flag = 1 with left offset 8 and right 1 (each 2 luma samples in 4:2:0)
    const sps = Uint8Array.of(0x67, 66, 0x40, 30, ...fromBits('11111 0 11 1 1 1 0001001 010 1 1 0'));
    expect(() => parseH264Sps(sps)).toThrow(CodecParseError);
  });
});

describe('fuzz', () => {
  it('parseH264Sps and parseAvcC throw only CodecParseError', async () => {
    const mp4 = await ffmpeg(dir, 'fuzz.mp4', [...lavfiInputs({ size: '1280x720', seconds: 0.1 }), '-c:v', 'libx264', '-f', 'mp4']);
    const record = hexDumpToBytes((await ffprobe(mp4, { extradata: true })).streams[0]!.extradata!);
    const sps = parseAvcC(record).sps[0]!;
    fuzzParser([sps], parseH264Sps, CodecParseError, 3000, 264);
    fuzzParser([record], parseAvcC, CodecParseError, 3000, 265);
    fuzzParser([record], (r) => buildAvcC(parseAvcC(r).sps, parseAvcC(r).pps), CodecParseError, 3000, 266);
  });
});
