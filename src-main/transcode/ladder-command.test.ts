import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeErrors, ffmpeg, ffprobeJson, ffprobeStreams, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { ladderArgs } from './ladder-command.js';
import { planRenditions } from './rendition-plan.js';

interface Packet { pts_time: string; flags: string }

async function videoPackets(file: string): Promise<Packet[]> {
  return (await ffprobeJson<{ packets: Packet[] }>(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', file])).packets;
}
const keyframeTimes = (packets: Packet[]) => packets.filter((p) => p.flags.startsWith('K')).map((p) => p.pts_time);

describe('a ladder command (real ffmpeg, libx264)', () => {
  const dir = useTempDir('framehouse-ladder-');

  it('decodes once, and every rendition decodes cleanly with its keyframes where the source has them', async () => {
    // A 720p source with a keyframe every 1.5 s, muxed as the studio hands frames to ffmpeg (MPEG-TS).
    const source = path.join(dir(), 'source.ts');
    await ffmpeg([...testSourceArgs({ size: '1280x720', rate: 30, seconds: 6, gop: 45 }), '-f', 'mpegts', source]);
    const { renditions, skipped } = planRenditions(
      [{ height: 1080, videoBitrate: '4M' }, { height: 480, videoBitrate: '1200k' }, { height: 360, videoBitrate: '700k', fps: 15 }],
      { height: 720 },
    );
    expect(skipped.map((s) => s.name)).toEqual(['1080p']);
    const outputs = renditions.map((r) => path.join(dir(), `${r.name}.ts`));
    const args = ladderArgs({ input: source, renditions, encoder: 'libx264', gpuDecode: true, outputs });
    // One input, one split: the picture is decoded once for every rendition.
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args.find((a) => a.includes('split='))).toContain('split=2');
    await ffmpeg(args);

    const sourcePackets = await videoPackets(source);
    const sourceKeys = keyframeTimes(sourcePackets);
    expect(sourceKeys.length).toBeGreaterThanOrEqual(4);
    for (const [i, file] of outputs.entries()) {
      expect(await decodeErrors(file)).toBe('');
      const streams = await ffprobeStreams(file);
      const video = streams.find((s) => s.codec_type === 'video')!;
      expect(video.height).toBe(renditions[i]!.height);
      expect(video.width! % 2).toBe(0);
      expect(video.profile).toBe('High');
      expect(streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);
      // Same instants as the source's keyframes, in every rendition, timestamps untouched.
      const packets = await videoPackets(file);
      expect(keyframeTimes(packets), renditions[i]!.name).toEqual(sourceKeys);
      // The 15 fps cap halves a 30 fps source (give or take the kept keyframes).
      const ratio = packets.length / sourcePackets.length;
      if (renditions[i]!.fps === 15) {
        expect(ratio).toBeGreaterThan(0.45);
        expect(ratio).toBeLessThan(0.56);
      } else {
        expect(ratio).toBe(1);
      }
    }
  });

  it('builds the same split for one rendition without a split filter', () => {
    const { renditions } = planRenditions([{ height: 360, videoBitrate: '700k' }], { height: 720 });
    const graph = ladderArgs({ input: 'pipe:0', renditions, encoder: 'libx264', gpuDecode: false });
    expect(graph[graph.indexOf('-filter_complex') + 1]).toBe('[0:v:0]scale=-2:360:flags=bicubic,format=yuv420p[v0]');
    expect(graph.at(-1)).toBe('pipe:3');
    // The VA-API device the probe tests is the one every job opens (FRAMEHOUSE_VAAPI_DEVICE).
    const before = process.env.FRAMEHOUSE_VAAPI_DEVICE;
    process.env.FRAMEHOUSE_VAAPI_DEVICE = '/dev/dri/renderD129';
    try {
      const vaapi = ladderArgs({ input: 'pipe:0', renditions, encoder: 'h264_vaapi', gpuDecode: true });
      expect(vaapi[vaapi.indexOf('-hwaccel_device') + 1]).toBe('/dev/dri/renderD129');
    } finally {
      if (before === undefined) delete process.env.FRAMEHOUSE_VAAPI_DEVICE;
      else process.env.FRAMEHOUSE_VAAPI_DEVICE = before;
    }
    // Piped frames are MPEG-TS, said so; a file (the test above) is probed.
    expect(graph.slice(graph.indexOf('-i') - 2, graph.indexOf('-i') + 2)).toEqual(['-f', 'mpegts', '-i', 'pipe:0']);
  });
});
