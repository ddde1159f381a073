// Canvases made on the CPU (the mixer's) reach each vendor's encoder in the form it takes.
import { describe, expect, it } from 'vitest';
import { rawPicturesFor } from './gpu-pipeline.js';
import { videoEncodeArgs } from './video-encode.js';

describe('raw pictures to each encoder family', () => {
  it('converts or uploads as the family needs', () => {
    expect(rawPicturesFor('x264')).toEqual({ globalArgs: [], filter: 'format=yuv420p' });
    expect(rawPicturesFor('nvenc')).toEqual({ globalArgs: [], filter: 'format=yuv420p' });
    expect(rawPicturesFor('videotoolbox')).toEqual({ globalArgs: [], filter: 'format=yuv420p' });
    expect(rawPicturesFor('qsv')).toEqual({ globalArgs: [], filter: 'format=nv12' });
    expect(rawPicturesFor('amf')).toEqual({ globalArgs: [], filter: 'format=nv12' });
    expect(rawPicturesFor('vaapi', { vaapiDevice: '/dev/dri/renderD129' })).toEqual({ globalArgs: ['-vaapi_device', '/dev/dri/renderD129'], filter: 'format=nv12,hwupload' });
  });

  it('puts keyframes on a fixed cadence for pictures that are all "key" to ffmpeg', () => {
    for (const encoder of ['libx264', 'h264_nvenc', 'h264_qsv', 'h264_vaapi', 'h264_videotoolbox', 'h264_amf']) {
      const args = videoEncodeArgs({ encoder, bitrate: 3e6, maxRate: 4e6, bufSize: 6e6, profile: 'high', maxGop: 50, keyframeEvery: 50 });
      expect(args.join(' '), encoder).toContain('-force_key_frames expr:eq(mod(n,50),0)');
      expect(args.join(' '), encoder).not.toContain('-force_key_frames source');
    }
  });
});
