import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OggPacketReader, OggParseError } from './ogg-packets.js';

describe('OggPacketReader', () => {
  it("reads ffmpeg's Opus packets whole, however the bytes are cut, including packets longer than 255 bytes", () => {
    // 320 kbit/s at 20 ms: 800-byte frames, three or four segments each.
    const ogg = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=1', '-ac', '2', '-c:a', 'libopus', '-b:a', '320k', '-frame_duration', '20', '-f', 'ogg', 'pipe:1']);
    const whole = new OggPacketReader().push(ogg);
    expect(whole[0]!.data.subarray(0, 8).toString()).toBe('OpusHead');
    expect(whole[1]!.data.subarray(0, 8).toString()).toBe('OpusTags');
    const audio = whole.slice(2);
    expect(audio.length).toBeGreaterThanOrEqual(50);
    expect(Math.max(...audio.map((p) => p.data.length))).toBeGreaterThan(255);
    // The same bytes in 7-byte reads give the same packets.
    const reader = new OggPacketReader();
    const pieces: Buffer[] = [];
    for (let i = 0; i < ogg.length; i += 7) pieces.push(...reader.push(ogg.subarray(i, i + 7)).map((p) => p.data));
    expect(pieces.map((p) => p.toString('hex'))).toEqual(whole.map((p) => p.data.toString('hex')));
  });

  it('refuses what is not Ogg', () => {
    expect(() => new OggPacketReader().push(Buffer.alloc(100, 1))).toThrow(OggParseError);
  });
});
