import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeErrors, ffmpeg, ffprobeStreams, lavfiInputs } from '../test-support/ffmpeg-tools.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { encoderCodec, encoderFamily, videoEncodeArgs, type VideoEncode } from './video-encode.js';

const exec = promisify(execFile);
const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';

const base: Omit<VideoEncode, 'encoder'> = { bitrate: 1_200_000, maxRate: 1_284_000, bufSize: 2_568_000, profile: 'high', maxGop: 600 };

// Options every encoder takes from ffmpeg itself (AVCodecContext), not from its own list.
const generic = new Set(['-c:v', '-b:v', '-maxrate', '-bufsize', '-g', '-force_key_frames', '-pix_fmt', '-flags', '-profile:v']);

/** `ffmpeg -h encoder=NAME`, or null when this ffmpeg does not have it compiled in. */
async function encoderHelp(name: string): Promise<string | null> {
  const { stdout, stderr } = await exec(ffmpegPath, ['-hide_banner', '-h', `encoder=${name}`]);
  const text = stdout + stderr;
  return /is not recognized/.test(text) ? null : text;
}

/** Pairs of (option, value) after `-c:v NAME`. */
function optionPairs(args: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < args.length; i += 2) pairs.push([args[i]!, args[i + 1]!]);
  return pairs;
}

describe('encoder arguments from one description', () => {
  const vendors = ['h264_nvenc', 'hevc_nvenc', 'h264_qsv', 'hevc_qsv', 'h264_vaapi', 'hevc_vaapi', 'h264_videotoolbox', 'hevc_videotoolbox', 'h264_amf', 'hevc_amf', 'av1_amf', 'libx264', 'libx265', 'libsvtav1'];

  it('knows every encoder the probe tests', () => {
    for (const name of vendors) {
      expect(encoderFamily(name), name).not.toBeNull();
      expect(encoderCodec(name), name).not.toBeNull();
    }
    expect(encoderFamily('mpeg4')).toBeNull();
    expect(() => videoEncodeArgs({ ...base, encoder: 'mpeg4' })).toThrow(/no argument mapping/);
  });

  it.each(vendors)('%s: every option and named value is one this ffmpeg lists for it (where compiled in)', async (name) => {
    const args = videoEncodeArgs({ ...base, encoder: name });
    expect(args.slice(0, 2)).toEqual(['-c:v', name]);
    expect(args).toContain('-force_key_frames');
    const help = await encoderHelp(name);
    if (!help) return; // AMF and VideoToolbox are not in Debian's build: their lists are pinned below.
    for (const [option, value] of optionPairs(args)) {
      if (generic.has(option)) continue;
      expect(help, `${name} ${option}`).toMatch(new RegExp(`^\\s+${option}\\s`, 'm'));
      // A named value (p4, vbr, veryfast…) must be one of the option's constants; numbers and parameter strings are free.
      const declared = new RegExp(`^\\s+${option}\\s+<(\\w+)>`, 'm').exec(help)?.[1];
      if (declared !== 'string' && declared !== 'dictionary' && /^[a-zA-Z]+\d*$/.test(value)) expect(help, `${name} ${option} ${value}`).toMatch(new RegExp(`^\\s+${value}\\s`, 'm'));
    }
  });

  it('maps one description onto each vendor as their documentation says', () => {
    const pick = (name: string, option: string) => {
      const args = videoEncodeArgs({ ...base, encoder: name });
      return args[args.indexOf(option) + 1];
    };
    expect(pick('h264_nvenc', '-preset')).toBe('p4');
    expect(pick('libx264', '-preset')).toBe('veryfast');
    expect(pick('h264_amf', '-rc')).toBe('vbr_peak');
    expect(pick('h264_videotoolbox', '-realtime')).toBe('1');
    expect(videoEncodeArgs({ ...base, encoder: 'h264_videotoolbox' })).not.toContain('-maxrate');
    // HEVC has no High profile in H.264's sense.
    expect(pick('hevc_nvenc', '-profile:v')).toBe('main');
    expect(pick('h264_qsv', '-profile:v')).toBe('high');
    // VA-API and AMF call H.264's baseline constrained_baseline.
    const baseline = (name: string) => {
      const args = videoEncodeArgs({ ...base, profile: 'baseline', encoder: name });
      return args[args.indexOf('-profile:v') + 1];
    };
    expect(baseline('h264_vaapi')).toBe('constrained_baseline');
    expect(baseline('h264_amf')).toBe('constrained_baseline');
    expect(baseline('h264_nvenc')).toBe('baseline');
  });

  describe('software encoders really encode with these arguments', () => {
    const dir = useTempDir('framehouse-encode-');
    it.each([
      ['libx264', 'h264', 'High'],
      ['libx265', 'hevc', 'Main'],
      ['libsvtav1', 'av1', 'Main'],
    ])('%s', async (encoder, codec, profile) => {
      // ffmpeg 5.1's MPEG-TS muxer cannot carry AV1: that one is checked in Matroska.
      const out = path.join(dir(), codec === 'av1' ? `${encoder}.mkv` : `${encoder}.ts`);
      await ffmpeg([...lavfiInputs({ size: '320x240', rate: 30, seconds: 1 }), ...videoEncodeArgs({ ...base, encoder }), out]);
      expect(await decodeErrors(out)).toBe('');
      const [video] = await ffprobeStreams(out);
      expect(video).toMatchObject({ codec_name: codec, profile });
    });
  });
});
