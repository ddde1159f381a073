import { describe, expect, it } from 'vitest';
import {
  audioLabel,
  channelsLabel,
  errorSummary,
  formatAge,
  formatBitrate,
  fpsLabel,
  gopLabel,
  hasKeyframeWarning,
  protocolLabel,
  resolutionLabel,
  sampleRateLabel,
  stateTone,
  videoCodecLabel,
} from './stream-format';

describe('formatBitrate', () => {
  it.each([
    [2_410_000, '2.41 Mb/s'],
    [24_100_000, '24.1 Mb/s'],
    [850_000, '850 kb/s'],
    [96_500, '96.5 kb/s'],
    [9_600, '9.60 kb/s'],
    [999, '999 b/s'],
    [0, '0 b/s'],
    [0.4, '0 b/s'],
    [999_700, '1.00 Mb/s'],
    [999_400, '999 kb/s'],
    [1_250_000_000, '1.25 Gb/s'],
  ])('%d → %s', (bps, text) => {
    expect(formatBitrate(bps)).toBe(text);
  });

  it('refuses what is not a rate', () => {
    expect(formatBitrate(Number.NaN)).toBe('–');
    expect(formatBitrate(-5)).toBe('–');
  });
});

describe('codec labels', () => {
  it('names video the way encoders do', () => {
    expect(videoCodecLabel({ codec: 'h264', profile: 'High', level: '3.1' })).toBe('H.264 High 3.1');
    expect(videoCodecLabel({ codec: 'hevc', profile: 'Main 10', level: '4.1' })).toBe('HEVC Main 10 4.1');
    expect(videoCodecLabel({ codec: 'av1', profile: 'Main', level: '' })).toBe('AV1 Main');
    expect(videoCodecLabel({ codec: 'vp9', profile: '', level: '' })).toBe('VP9');
  });

  it('names audio with rate and layout', () => {
    expect(audioLabel({ codec: 'aac', profile: 'LC', sampleRate: 48000, channels: 2 })).toBe('AAC LC 48 kHz stereo');
    expect(audioLabel({ codec: 'aac', profile: 'HE-AAC', sampleRate: 44100, channels: 1 })).toBe('HE-AAC 44.1 kHz mono');
    expect(audioLabel({ codec: 'opus', profile: '', sampleRate: 48000, channels: 6 })).toBe('Opus 48 kHz 5.1');
    expect(audioLabel({ codec: 'mp3', profile: '', sampleRate: 22050, channels: 3 })).toBe('MP3 22.05 kHz 3 ch');
  });

  it('sample rates and channels', () => {
    expect(sampleRateLabel(48000)).toBe('48 kHz');
    expect(sampleRateLabel(44100)).toBe('44.1 kHz');
    expect(sampleRateLabel(8000)).toBe('8 kHz');
    expect(channelsLabel(8)).toBe('7.1');
  });
});

describe('video figures', () => {
  it('resolution and frame rate', () => {
    expect(resolutionLabel({ width: 1280, height: 720 })).toBe('1280×720');
    expect(fpsLabel(30)).toBe('30 fps');
    expect(fpsLabel(29.97)).toBe('29.97 fps');
    expect(fpsLabel(29.999)).toBe('30 fps');
    expect(fpsLabel(0)).toBe('0 fps');
    expect(fpsLabel(null)).toBe('–');
  });

  it('keyframe interval', () => {
    expect(gopLabel(2)).toBe('GOP 2.0 s');
    expect(gopLabel(5.004)).toBe('GOP 5.0 s');
    expect(gopLabel(null)).toBe('GOP –');
  });

  it('spots keyframe warnings among the server warnings', () => {
    expect(hasKeyframeWarning(['Keyframes every 5.0 s, longer than the 2 s segment target'])).toBe(true);
    expect(hasKeyframeWarning(['Keyframe interval is irregular: set a fixed keyframe interval'])).toBe(true);
    expect(hasKeyframeWarning(['Audio is silent'])).toBe(false);
    expect(hasKeyframeWarning([])).toBe(false);
  });
});

describe('states and protocols', () => {
  it('colours states', () => {
    expect(stateTone('publishing')).toBe('ok');
    expect(stateTone('pulling')).toBe('ok');
    expect(stateTone('reconnecting')).toBe('warning');
    expect(stateTone('failed')).toBe('danger');
    expect(stateTone('idle')).toBe('idle');
  });

  it('badges protocols', () => {
    expect(protocolLabel('rtmp')).toBe('RTMP');
    expect(protocolLabel('mpegts-http')).toBe('MPEG-TS');
    expect(protocolLabel('pull')).toBe('PULL');
    expect(protocolLabel('file')).toBe('FILE');
    expect(protocolLabel(null)).toBeNull();
  });
});

describe('small figures', () => {
  it('ages', () => {
    expect(formatAge(40)).toBe('40 ms');
    expect(formatAge(4200)).toBe('4.2 s');
    expect(formatAge(95_000)).toBe('1m 35s');
    expect(formatAge(null)).toBe('–');
  });

  it('lists only the error counters that are not zero', () => {
    expect(errorSummary({ continuity: 0, timestampJumps: 0, droppedFrames: 0 })).toEqual([]);
    expect(errorSummary({ continuity: 3, timestampJumps: 0, droppedFrames: 12 })).toEqual([
      { label: 'continuity', count: 3 },
      { label: 'dropped', count: 12 },
    ]);
  });
});
