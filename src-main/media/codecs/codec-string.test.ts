import { describe, expect, it } from 'vitest';
import type { AudioTrack, VideoTrack } from '../frame.js';
import { buildAudioSpecificConfig } from './aac.js';
import { codecString } from './codec-string.js';

const video = (codec: VideoTrack['codec'], config: number[]): VideoTrack => ({ kind: 'video', id: 0, timescale: 90000, codec, config: new Uint8Array(config), width: 0, height: 0, profile: '', level: '', declaredFps: null });
const audio = (codec: AudioTrack['codec'], config: Uint8Array): AudioTrack => ({ kind: 'audio', id: 1, timescale: 48000, codec, config, sampleRate: 48000, channels: 2, profile: '' });

describe('RFC 6381 codec strings', () => {
  it('reads H.264 profile, constraints and level from avcC', () => {
    // x264 High 3.0, and Constrained Baseline 3.1.
    expect(codecString(video('h264', [1, 0x64, 0x00, 0x1e, 0xff]))).toBe('avc1.64001e');
    expect(codecString(video('h264', [1, 0x42, 0xc0, 0x1f, 0xff]))).toBe('avc1.42c01f');
  });

  it('writes HEVC as Apple and the ISO example do', () => {
    // Main (1), compatibility flag 1 and 2 set (0x60000000 → reversed 0x6), Main tier level 93 (3.1), constraint byte 0x90.
    const main = [1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93];
    expect(codecString(video('hevc', main))).toBe('hvc1.1.6.L93.90');
    // Main 10 (2), compat 0x20000000 → 0x4, High tier level 120, constraints B0.
    const main10 = [1, 0x22, 0x20, 0, 0, 0, 0xb0, 0, 0, 0, 0, 0, 120];
    expect(codecString(video('hevc', main10))).toBe('hvc1.2.4.H120.B0');
  });

  it('writes AV1 profile, level, tier and depth', () => {
    // Main profile, level 8 (4.0), Main tier, 8-bit.
    expect(codecString(video('av1', [0x81, 0x08, 0x0c, 0x00]))).toBe('av01.0.08M.08');
    // High tier, 10-bit, level 13.
    expect(codecString(video('av1', [0x81, 0x0d, 0xc0, 0x00]))).toBe('av01.0.13H.10');
  });

  it('names AAC by its object type, and the other audio codecs', () => {
    expect(codecString(audio('aac', buildAudioSpecificConfig(2, 3, 2)))).toBe('mp4a.40.2');
    expect(codecString(audio('mp3', new Uint8Array()))).toBe('mp4a.40.34');
    expect(codecString(audio('opus', new Uint8Array()))).toBe('opus');
  });

  it('refuses records too short to say', () => {
    expect(() => codecString(video('h264', [1, 0x64]))).toThrow(/too short/);
  });
});
