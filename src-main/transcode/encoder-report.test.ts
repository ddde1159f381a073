import { describe, expect, it } from 'vitest';
import type { EncoderStatus } from '../contract/studio-api.js';
import { encoderReport } from './encoder-report.js';

const status = (name: string, codec: EncoderStatus['codec'], works: boolean, reason?: string): EncoderStatus => ({ name, codec, hardware: !name.startsWith('lib'), vendor: name.includes('nvenc') ? 'NVIDIA NVENC' : 'software', works, probeMs: 12, ...(reason ? { reason } : {}) });

describe('probe-encoders report', () => {
  const encoders = [status('h264_nvenc', 'h264', true), status('hevc_nvenc', 'hevc', false, 'Cannot load libcuda.so.1'), status('libx264', 'h264', true), status('libx265', 'hevc', true)];

  it('lists each encoder with its verdict, the order ladders try, and a command to paste', () => {
    const text = encoderReport('/usr/bin/ffmpeg', '5.1', encoders, { platform: 'linux' });
    expect(text).toContain('h264_nvenc  NVIDIA NVENC        works (12 ms)');
    expect(text).toContain('hevc_nvenc  NVIDIA NVENC        fails: Cannot load libcuda.so.1');
    expect(text).toContain('h264 ladders try: h264_nvenc → libx264');
    expect(text).toContain('hevc ladders try: libx265');
    // The GPU path: decode and scale on the device, the file's own format probed.
    expect(text).toMatch(/\/usr\/bin\/ffmpeg .*-hwaccel cuda -hwaccel_output_format cuda -i INPUT .*scale_cuda=w=-2:h=720.*-c:v h264_nvenc/);
    expect(text).not.toContain('-progress');
  });

  it('prints the command for an encoder asked for by name', () => {
    expect(encoderReport('ffmpeg', '5.1', encoders, { platform: 'linux', encoder: 'libx264' })).toMatch(/ladder on libx264[\s\S]*-c:v libx264/);
  });
});
