import { describe, expect, it } from 'vitest';
import type { AudioTrack, VideoTrack } from '../../media/frame.js';
import { CodecParseError } from '../../media/codecs/index.js';
import { buildInitSegment, Fmp4WriteError } from './index.js';
import { childTypes, findBox, fromHex, hex, u32At } from './testing/boxes.js';

/** x264 baseline 320x240: the avcC ffmpeg stores (lengthSizeMinusOne = 3). */
const AVCC = fromHex('0142c00dffe100186742c00dd90141fb0110000003001000000303c0f142a48001000568cb83cb20');
/** SVT-AV1 320x240: the av1C ffmpeg stores, with the sequence header OBU. */
const AV1C = fromHex('81000c000a0b000000043cffbc02f80040');

const video = (over: Partial<VideoTrack> = {}): VideoTrack => ({ kind: 'video', id: 0, codec: 'h264', timescale: 90000, config: AVCC, width: 320, height: 240, profile: 'Constrained Baseline', level: '1.3', declaredFps: 30, ...over });
const audio = (over: Partial<AudioTrack> = {}): AudioTrack => ({ kind: 'audio', id: 1, codec: 'aac', timescale: 48000, config: fromHex('1190'), sampleRate: 48000, channels: 2, profile: 'LC', ...over });

describe('buildInitSegment', () => {
  it('is ftyp (iso6, cmfc) + moov with mvhd, a trak per track and an mvex with a trex per track', () => {
    const init = buildInitSegment([video(), audio()]);
    expect(childTypes(init)).toEqual(['ftyp', 'moov']);
    expect(hex(findBox(init, 'ftyp').subarray(8))).toBe(hex(new TextEncoder().encode('iso6\0\0\0\0iso6cmfcisommp41dash')));
    expect(childTypes(init, 'moov')).toEqual(['mvhd', 'trak', 'trak', 'mvex']);
    expect(childTypes(init, 'moov', 'trak', 'mdia')).toEqual(['mdhd', 'hdlr', 'minf']);
    expect(childTypes(init, 'moov', 'trak', 'mdia', 'minf')).toEqual(['vmhd', 'dinf', 'stbl']);
    expect(childTypes(init, 'moov', 'trak[1]', 'mdia', 'minf')).toEqual(['smhd', 'dinf', 'stbl']);
    expect(childTypes(init, 'moov', 'trak', 'mdia', 'minf', 'stbl')).toEqual(['stsd', 'stts', 'stsc', 'stsz', 'stco']);
    expect(childTypes(init, 'moov', 'mvex')).toEqual(['trex', 'trex']);
  });

  it('numbers tracks id + 1 in tkhd and trex, sets next_track_ID past them, and keeps each track timescale in mdhd', () => {
    const init = buildInitSegment([video({ id: 2 }), audio({ id: 5, timescale: 44100 })]);
    expect(u32At(findBox(init, 'moov', 'trak', 'tkhd'), 20)).toBe(3); // track_ID after version/flags, creation, modification
    expect(u32At(findBox(init, 'moov', 'trak[1]', 'tkhd'), 20)).toBe(6);
    expect(u32At(findBox(init, 'moov', 'mvex', 'trex'), 12)).toBe(3);
    expect(u32At(findBox(init, 'moov', 'mvex', 'trex[1]'), 12)).toBe(6);
    expect(u32At(findBox(init, 'moov', 'mvhd'), 104)).toBe(7); // next_track_ID: the last field
    expect(u32At(findBox(init, 'moov', 'trak', 'mdia', 'mdhd'), 20)).toBe(90000);
    expect(u32At(findBox(init, 'moov', 'trak[1]', 'mdia', 'mdhd'), 20)).toBe(44100);
    expect(hex(findBox(init, 'moov', 'trak', 'mdia', 'hdlr').subarray(16, 20))).toBe(hex(new TextEncoder().encode('vide')));
    expect(hex(findBox(init, 'moov', 'trak[1]', 'mdia', 'hdlr').subarray(16, 20))).toBe(hex(new TextEncoder().encode('soun')));
  });

  it('gives video its size in tkhd (16.16) and avc1, with the avcC as the track carries it', () => {
    const init = buildInitSegment([video()]);
    const tkhd = findBox(init, 'moov', 'trak', 'tkhd');
    expect([u32At(tkhd, 84), u32At(tkhd, 88)]).toEqual([320 << 16, 240 << 16]);
    const avc1 = findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1');
    expect(u32At(avc1, 32)).toBe((320 << 16) | 240); // width, height
    expect(hex(findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1', 'avcC').subarray(8))).toBe(hex(AVCC));
  });

  it('rewrites lengthSizeMinusOne to 3 when the encoder record said otherwise: frames always carry 4-byte lengths', () => {
    const twoByteLengths = AVCC.slice();
    twoByteLengths[4] = 0xfd;
    const track = video({ config: twoByteLengths });
    const avcC = findBox(buildInitSegment([track]), 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1', 'avcC').subarray(8);
    expect(avcC[4]).toBe(0xff);
    expect(hex(avcC.subarray(5))).toBe(hex(AVCC.subarray(5)));
    expect(track.config[4]).toBe(0xfd); // the track's own record is untouched
  });

  it('writes av01 + av1C for AV1', () => {
    const init = buildInitSegment([video({ codec: 'av1', config: AV1C })]);
    expect(hex(findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'av01', 'av1C').subarray(8))).toBe(hex(AV1C));
  });

  it('writes mp4a + esds: object type 0x40, audio stream, the AudioSpecificConfig, channels and rate from it', () => {
    const init = buildInitSegment([audio()]);
    const mp4a = findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'mp4a');
    expect(mp4a.length).toBe(8 + 28 + 39);
    expect(hex(mp4a.subarray(8, 36))).toBe(hex(fromHex('000000000000 0001 0000000000000000 0002 0010 0000 0000 bb800000')));
    expect(hex(findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'mp4a', 'esds'))).toBe(
      hex(
        fromHex(`
          00000027 65736473 00000000
          03 19 0000 00
            04 11 40 15 000600 00000000 00000000
              05 02 1190
            06 01 02`),
      ),
    );
  });

  it('takes channels and output rate of HE-AACv2 from its AudioSpecificConfig (mono core at 24 kHz → stereo 48 kHz)', () => {
    // audioObjectType 29, samplingFrequencyIndex 6 (24 kHz), channelConfiguration 1, extensionSamplingFrequencyIndex 3 (48 kHz), audioObjectType 2, GASpecificConfig 000
    const init = buildInitSegment([audio({ config: fromHex('eb098800'), channels: 2 })]);
    const mp4a = findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'mp4a');
    expect(mp4a[8 + 17]).toBe(2); // channelcount
    expect(u32At(mp4a, 8 + 24)).toBe(48000 * 0x10000); // samplerate
  });

  it('writes samplerate 0 where 16.16 cannot hold the rate (96 kHz), as ffmpeg does', () => {
    const init = buildInitSegment([audio({ config: fromHex('0890'), sampleRate: 96000 })]);
    expect(u32At(findBox(init, 'moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'mp4a'), 8 + 24)).toBe(0);
  });

  it('refuses what it cannot describe', () => {
    expect(() => buildInitSegment([])).toThrow(Fmp4WriteError);
    expect(() => buildInitSegment([audio({ codec: 'mp3', config: new Uint8Array() })])).toThrow(new Fmp4WriteError('track 1: mp3 audio cannot be recorded to fMP4 (AAC and Opus)'));
    expect(() => buildInitSegment([audio({ codec: 'opus', config: new Uint8Array() })])).toThrow(Fmp4WriteError);
    expect(() => buildInitSegment([video(), audio({ id: 0 })])).toThrow(new Fmp4WriteError('two tracks share an id'));
    expect(() => buildInitSegment([video({ timescale: 0 })])).toThrow(Fmp4WriteError);
    expect(() => buildInitSegment([video({ width: 0 })])).toThrow(Fmp4WriteError);
    expect(() => buildInitSegment([video({ config: AVCC.subarray(0, 6) })])).toThrow(CodecParseError);
    expect(() => buildInitSegment([audio({ config: new Uint8Array() })])).toThrow(CodecParseError);
  });
});
