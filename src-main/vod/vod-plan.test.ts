import { describe, expect, it } from 'vitest';
import type { ProbedMedia, ProbedVideo } from '../contract/library-api.js';
import { readProbe } from './media-probe.js';
import { avcCodecString, gridSegments, keyframeSegments, masterPlaylist, mediaPlaylist, planVariants } from './vod-plan.js';

const video = (v: Partial<ProbedVideo>): ProbedVideo => ({ codec: 'h264', width: 1920, height: 1080, rotation: 0, fps: 30, hdr: false, bitDepth: 8, profile: 'High', level: 40, ...v });
const media = (v: Partial<ProbedVideo> | null, audio = 'aac'): ProbedMedia => ({
  container: 'mov,mp4',
  duration: 60,
  startTime: 0,
  bitrate: 6_000_000,
  video: v ? video(v) : null,
  audio: audio ? [{ index: 1, codec: audio, channels: 2, sampleRate: 48000, language: null }] : [],
  subtitles: [],
});

describe('VOD plans', () => {
  it('offers the original remuxed when browsers take it, and the sizes below it', () => {
    expect(planVariants(media({})).map((v) => [v.name, v.kind === 'audio' ? '' : `${v.width}x${v.height}`])).toEqual([
      ['source', '1920x1080'],
      ['720p', '1280x720'],
      ['480p', '854x480'],
      ['360p', '640x360'],
      ['240p', '426x240'],
    ]);
    expect(planVariants(media({}))[0]).toMatchObject({ codecs: 'avc1.640028,mp4a.40.2' });
  });

  it('remuxes HEVC, AV1 and H.264 with other sound to fMP4, beside H.264 sizes up to its own that play everywhere', () => {
    expect(planVariants(media({ codec: 'hevc', width: 3840, height: 2160, bitDepth: 10 })).map((v) => v.name)).toEqual(['source', '1080p', '720p', '480p', '360p', '240p']);
    expect(planVariants(media({ codec: 'hevc' }))[0]).toMatchObject({ name: 'source', container: 'fmp4', audioCopy: true, codecs: null });
    expect(planVariants(media({ codec: 'av1', width: 640, height: 360 }, 'opus')).map((v) => v.name)).toEqual(['source', '360p', '240p']);
    expect(planVariants(media({ codec: 'av1' }, 'opus'))[0]).toMatchObject({ container: 'fmp4', audioCopy: true });
    expect(planVariants(media({}, 'ac3'))[0]).toMatchObject({ name: 'source', container: 'fmp4', audioCopy: false });
    expect(planVariants(media({}))[0]).toMatchObject({ name: 'source', container: 'ts', audioCopy: true });
  });

  it('transcodes what neither container takes: VP9, 10-bit H.264, turned pictures; a picture between rungs gets its own size', () => {
    expect(planVariants(media({ codec: 'vp9', width: 3840, height: 2160 })).map((v) => v.name)).toEqual(['1080p', '720p', '480p', '360p', '240p']);
    expect(planVariants(media({ bitDepth: 10 }))[0]!.name).toBe('1080p');
    expect(planVariants(media({ codec: 'hevc', rotation: 90 }))[0]!.name).toBe('1080p');
    const portrait = planVariants(media({ rotation: 90, width: 1920, height: 1080 }));
    expect(portrait[0]).toMatchObject({ name: '1080p', width: 1080, height: 1920 });
    expect(planVariants(media({ codec: 'mpeg2video', width: 720, height: 576 })).map((v) => v.name)).toEqual(['576p', '480p', '360p', '240p']);
  });

  it('plays sound alone as sound, copied when it is AAC or MP3', () => {
    expect(planVariants(media(null, 'mp3'))).toEqual([expect.objectContaining({ name: 'audio', kind: 'audio', copy: true, codecs: 'mp4a.40.34' })]);
    expect(planVariants(media(null, 'flac'))).toEqual([expect.objectContaining({ name: 'audio', copy: false, codecs: 'mp4a.40.2' })]);
    expect(planVariants(media(null, ''))).toEqual([]);
  });

  it('cuts segments on a grid (2 s first) or at keyframes, and lists them', () => {
    expect(gridSegments(11)).toEqual([0, 2, 6, 10]);
    expect(gridSegments(10.3)).toEqual([0, 2, 6]);
    expect(keyframeSegments([0, 1, 2, 3, 5, 9, 10, 13], 14)).toEqual([0, 2, 9, 13]);
    // A file whose first keyframe is late still starts at 0; one without any is one segment.
    expect(keyframeSegments([0.4, 6], 8)).toEqual([0, 6]);
    expect(keyframeSegments([], 8)).toEqual([0]);
    expect(mediaPlaylist([0, 2], 5, '', 'fmp4')).toBe('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000,\n0.m4s\n#EXTINF:3.000,\n1.m4s\n#EXT-X-ENDLIST\n');
    expect(mediaPlaylist([0, 2, 6], 9, '?token=t')).toBe('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000,\n0.ts?token=t\n#EXTINF:4.000,\n1.ts?token=t\n#EXTINF:3.000,\n2.ts?token=t\n#EXT-X-ENDLIST\n');
    expect(masterPlaylist(planVariants(media({ width: 640, height: 360 })))).toContain('#EXT-X-STREAM-INF:BANDWIDTH=12000000,RESOLUTION=640x360,CODECS="avc1.640028,mp4a.40.2"\nsource/index.m3u8');
  });

  it('names H.264 profiles as RFC 6381 wants', () => {
    expect(avcCodecString('High', 41)).toBe('avc1.640029');
    expect(avcCodecString('Constrained Baseline', 30)).toBe('avc1.42401e');
    expect(avcCodecString('High 4:4:4 Predictive', 51)).toBeNull();
  });

  it('reads ffprobe: the display matrix turn, HDR, cover art is not the picture, and says why a file cannot play', () => {
    const probed = readProbe({
      format: { format_name: 'mov,mp4', duration: '12.5', start_time: '0.000', bit_rate: '900000' },
      streams: [
        { index: 0, codec_type: 'video', codec_name: 'mjpeg', width: 300, height: 300, disposition: { attached_pic: 1 } },
        { index: 1, codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, pix_fmt: 'yuv420p10le', color_transfer: 'smpte2084', avg_frame_rate: '30000/1001', side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }], profile: 'Main 10', level: 150 },
        { index: 2, codec_type: 'audio', codec_name: 'eac3', channels: 6, sample_rate: '48000', tags: { language: 'deu' } },
      ],
    });
    expect(probed).toMatchObject({ duration: 12.5, video: { codec: 'hevc', rotation: 90, hdr: true, bitDepth: 10, fps: 29.97 }, audio: [{ index: 2, language: 'deu', channels: 6 }] });
    expect(readProbe({ format: { duration: '3' }, streams: [{ codec_type: 'data' }] })).toBe('no video or audio track ffmpeg can read');
    expect(readProbe({ format: {}, streams: [{ codec_type: 'audio', codec_name: 'aac' }] })).toMatch(/no duration/);
  });
});
