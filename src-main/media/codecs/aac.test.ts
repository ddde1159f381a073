import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { aacSampleRates, buildAudioSpecificConfig, parseAdtsHeader, parseAudioSpecificConfig } from './aac.js';
import { CodecParseError } from './codec-error.js';
import { fromBits, fuzzParser, mutate, seededRandom } from './testing/bytes.js';
import { ffmpeg, ffprobe, hexDumpToBytes } from './testing/media-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-aac-'));
});
afterAll(() => cleanup());

// ffmpeg's encoder is AAC LC only; these cover the sample rate and channel tables.
const encodes = [
  { rate: 44100, channels: 2, layout: 'stereo' },
  { rate: 48000, channels: 1, layout: 'mono' },
  { rate: 22050, channels: 6, layout: '5.1' },
  { rate: 8000, channels: 2, layout: 'stereo' },
];

describe('AAC against ffmpeg', () => {
  it.each(encodes)('$rate Hz $layout: AudioSpecificConfig, ADTS headers, built config', async (e) => {
    const input = ['-f', 'lavfi', '-i', `sine=sample_rate=${e.rate}`, '-af', `aformat=channel_layouts=${e.layout}`, '-t', '0.5', '-c:a', 'aac'];
    const mp4 = await ffmpeg(dir, `${e.rate}-${e.channels}.mp4`, [...input, '-f', 'mp4']);
    const stream = (await ffprobe(mp4, { extradata: true })).streams[0]!;
    const asc = hexDumpToBytes(stream.extradata!);
    const info = parseAudioSpecificConfig(asc);
    expect(info).toMatchObject({ objectType: 2, profile: stream.profile, sampleRate: Number(stream.sample_rate), channels: stream.channels });
    expect(info.channels).toBe(e.channels);

    const adtsFile = await ffmpeg(dir, `${e.rate}-${e.channels}.aac`, [...input, '-f', 'adts']);
    const adts = new Uint8Array(await fs.readFile(adtsFile));
    const packets = (await ffprobe(adtsFile)).packets;
    let offset = 0;
    let frames = 0;
    while (offset < adts.length) {
      const header = parseAdtsHeader(adts, offset);
      expect(header, `ADTS header at ${offset}`).not.toBeNull();
      expect(header!.sampleRate).toBe(e.rate);
      expect(header!.headerLength).toBe(7);
      expect(header!.frameLength).toBe(Number(packets[frames]!.size));
      // ffmpeg's own config adds the explicit "no SBR" sync extension after the 2 bytes an ADTS header implies.
      expect(buildAudioSpecificConfig(header!.objectType, header!.sampleRateIndex, header!.channelConfig)).toEqual(asc.subarray(0, 2));
      offset += header!.frameLength;
      frames++;
    }
    expect(frames).toBe(packets.length);
  });
});

describe('AudioSpecificConfig by hand', () => {
  // audioObjectType(5) samplingFrequencyIndex(4) channelConfiguration(4) … as in ISO 14496-3 1.6.2.1
  it('HE-AAC, hierarchical signalling: output rate is the SBR rate', () => {
    // AOT 5, 22050 Hz core, stereo, extension 44100 Hz, core AOT 2, GASpecificConfig 000
    const info = parseAudioSpecificConfig(fromBits('00101 0111 0010 0100 00010 000'));
    expect(info).toMatchObject({ objectType: 5, profile: 'HE-AAC', sampleRate: 44100, channels: 2, coreObjectType: 2, coreSampleRate: 22050 });
  });

  it('HE-AACv2, hierarchical: parametric stereo over a mono core is 2 channels', () => {
    const info = parseAudioSpecificConfig(fromBits('11101 0110 0001 0011 00010 000'));
    expect(info).toMatchObject({ objectType: 29, profile: 'HE-AACv2', sampleRate: 48000, channels: 2, coreSampleRate: 24000 });
  });

  it('HE-AACv2, backward-compatible sync extensions (0x2b7 SBR, 0x548 PS)', () => {
    const info = parseAudioSpecificConfig(fromBits('00010 0110 0001 000  01010110111 00101 1 0011  10101001000 1'));
    expect(info).toMatchObject({ objectType: 29, profile: 'HE-AACv2', sampleRate: 48000, channels: 2, coreObjectType: 2 });
  });

  it('HE-AAC, backward-compatible without PS', () => {
    const info = parseAudioSpecificConfig(fromBits('00010 0111 0010 000  01010110111 00101 1 0100'));
    expect(info).toMatchObject({ objectType: 5, profile: 'HE-AAC', sampleRate: 44100, channels: 2 });
  });

  it('explicit 24-bit sampling frequency and escaped object types', () => {
    const explicit = parseAudioSpecificConfig(fromBits(`00010 1111 ${(44100).toString(2).padStart(24, '0')} 0001 000`));
    expect(explicit).toMatchObject({ objectType: 2, sampleRate: 44100, channels: 1 });
    // 31 escapes to 32 + 10 = 42 (USAC): not a GASpecificConfig type, reported by number
    const escaped = parseAudioSpecificConfig(fromBits('11111 001010 0011 0010'));
    expect(escaped).toMatchObject({ objectType: 42, profile: 'AOT 42', sampleRate: 48000, channels: 2 });
  });

  it('channelConfiguration 0: the program_config_element counts the channels', () => {
    // PCE: 2 front elements (CPE, SCE), 1 back (CPE), 1 LFE = 6 channels; then byte alignment and no comment
    const pce = '0000 01 0100 0010 0000 0001 01 000 0000 0 0 0  1 0000  0 0001  1 0010  0000';
    const bits = `00010 0100 0000 000 ${pce}`;
    const padded = bits.replace(/\s+/g, '') + '0'.repeat((8 - (bits.replace(/\s+/g, '').length % 8)) % 8) + '00000000';
    expect(parseAudioSpecificConfig(fromBits(padded))).toMatchObject({ objectType: 2, sampleRate: 44100, channels: 6, channelConfig: 0 });
  });

  it('rejects reserved values and truncation with CodecParseError', () => {
    expect(() => parseAudioSpecificConfig(fromBits('00010 1101 0010 000'))).toThrow(CodecParseError); // index 13
    expect(() => parseAudioSpecificConfig(fromBits('00010 0100 1000 000'))).toThrow(CodecParseError); // channel config 8
    expect(() => parseAudioSpecificConfig(Uint8Array.of(0x12))).toThrow(CodecParseError);
    expect(() => parseAudioSpecificConfig(new Uint8Array(0))).toThrow(CodecParseError);
  });

  it('buildAudioSpecificConfig writes the 2-byte LC forms and refuses what it cannot express', () => {
    expect(buildAudioSpecificConfig(2, 3, 2)).toEqual(Uint8Array.of(0x11, 0x90)); // LC 48 kHz stereo
    expect(buildAudioSpecificConfig(2, 4, 1)).toEqual(Uint8Array.of(0x12, 0x08)); // LC 44.1 kHz mono
    expect(() => buildAudioSpecificConfig(5, 3, 2)).toThrow(CodecParseError);
    expect(() => buildAudioSpecificConfig(2, 13, 2)).toThrow(CodecParseError);
    expect(() => buildAudioSpecificConfig(2, 3, 0)).toThrow(CodecParseError);
    expect(aacSampleRates[4]).toBe(44100);
  });
});

describe('parseAdtsHeader by hand', () => {
  const header = Uint8Array.of(0xff, 0xf1, 0x50, 0x80, 0x2b, 0x3f, 0xfc); // LC, 44.1 kHz, stereo, 345 bytes

  it('reads the fixed and variable header', () => {
    expect(parseAdtsHeader(header, 0)).toEqual({ headerLength: 7, frameLength: 345, objectType: 2, sampleRateIndex: 4, sampleRate: 44100, channelConfig: 2, rawDataBlocks: 1 });
    const withCrc = Uint8Array.of(0, 0xff, 0xf0, 0x50, 0x80, 0x2b, 0x3f, 0xfc, 0, 0);
    expect(parseAdtsHeader(withCrc, 1)?.headerLength).toBe(9);
  });

  it('returns null where there is no header', () => {
    expect(parseAdtsHeader(header, 1)).toBeNull();
    expect(parseAdtsHeader(header.subarray(0, 6), 0)).toBeNull();
    expect(parseAdtsHeader(header, -1)).toBeNull();
    expect(parseAdtsHeader(Uint8Array.of(0xff, 0xf3, 0x50, 0x80, 0x2b, 0x3f, 0xfc), 0)).toBeNull(); // layer 1
    expect(parseAdtsHeader(Uint8Array.of(0xff, 0xf1, 0x74, 0x80, 0x2b, 0x3f, 0xfc), 0)).toBeNull(); // sampling index 13
    expect(parseAdtsHeader(Uint8Array.of(0xff, 0xf1, 0x50, 0x80, 0x00, 0x1f, 0xfc), 0)).toBeNull(); // frame length 0
  });
});

describe('fuzz', () => {
  const configs = [
    Uint8Array.of(0x12, 0x10, 0x56, 0xe5, 0x00),
    fromBits('00101 0111 0010 0100 00010 000'),
    fromBits('00010 0110 0001 000  01010110111 00101 1 0011  10101001000 1'),
    fromBits('00010 0100 0000 000 0000 01 0100 0010 0000 0001 01 000 0000 0 0 0 1 0000 0 0001 1 0010 0000 00000 00000000'),
  ];

  it('parseAudioSpecificConfig throws only CodecParseError', () => {
    fuzzParser(configs, parseAudioSpecificConfig, CodecParseError, 2000, 3);
  });

  it('parseAdtsHeader never throws', () => {
    const random = seededRandom(7);
    const frame = Uint8Array.of(0xff, 0xf1, 0x50, 0x80, 0x2b, 0x3f, 0xfc, 1, 2, 3);
    for (let i = 0; i < 5000; i++) {
      const data = mutate(frame, random);
      parseAdtsHeader(data, Math.floor(random() * 12) - 1);
    }
  });
});
