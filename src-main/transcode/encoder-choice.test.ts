import { describe, expect, it } from 'vitest';
import type { EncoderStatus } from '../contract/studio-api.js';
import { chooseEncoders } from './encoder-choice.js';

const status = (name: string, codec: EncoderStatus['codec'], works: boolean): EncoderStatus => ({ name, codec, hardware: !name.startsWith('lib'), vendor: 'x', works, probeMs: 1 });
const probed = [
  status('h264_vaapi', 'h264', true),
  status('h264_nvenc', 'h264', true),
  status('h264_qsv', 'h264', false),
  status('hevc_nvenc', 'hevc', true),
  status('h264_amf', 'h264', true),
  status('libx264', 'h264', true),
  status('libx265', 'hevc', true),
];

describe('encoder choice', () => {
  it('puts working hardware first in the order that suits the OS, software last', () => {
    expect(chooseEncoders({ requested: 'auto', probed, platform: 'linux' }).order).toEqual(['h264_nvenc', 'h264_vaapi', 'libx264']);
    expect(chooseEncoders({ requested: 'auto', probed, platform: 'win32' }).order).toEqual(['h264_nvenc', 'h264_amf', 'libx264']);
    expect(chooseEncoders({ requested: 'auto', probed, platform: 'darwin' }).order).toEqual(['libx264']);
    expect(chooseEncoders({ requested: 'auto', codec: 'hevc', probed, platform: 'linux' })).toEqual({ codec: 'hevc', order: ['hevc_nvenc', 'libx265'] });
  });

  it('tries a pinned encoder first, even one the probe saw fail, with software behind it', () => {
    expect(chooseEncoders({ requested: 'h264_qsv', probed, platform: 'linux' }).order).toEqual(['h264_qsv', 'libx264']);
    expect(chooseEncoders({ requested: 'libx264', probed, platform: 'linux' }).order).toEqual(['libx264']);
  });

  it('refuses an encoder this ffmpeg does not have, naming the ones it has', () => {
    expect(() => chooseEncoders({ requested: 'h264_magic', probed, platform: 'linux' })).toThrow(expect.objectContaining({ kind: 'invalid', detail: expect.stringMatching(/h264_magic is not an encoder.*h264_qsv \(fails here\)/) }));
    expect(() => chooseEncoders({ requested: 'hevc_nvenc', codec: 'h264', probed, platform: 'linux' })).toThrow(/writes hevc/);
  });
});
