import { describe, expect, it } from 'vitest';
import type { PublicStream } from '../../../src-main/contract/public-api';
import { generatePlayToken, playTokenProblem } from './play-token';
import { describeUserAgent } from './user-agent';
import { archiveLabel, embedUrl, mediaLabel, posterUrl, sortForWatching, streamFromHash, watchHash } from './watch';

const stream = (name: string, live: boolean, title = ''): PublicStream => ({ name, title, live, video: null, audio: null, locked: false, archive: null });

describe('watch page helpers', () => {
  it('puts live streams first, then by title or name', () => {
    const sorted = sortForWatching([stream('live/b', false), stream('live/z', true), stream('live/a', false, 'Zoo'), stream('live/c', true, 'Alpha')]);
    expect(sorted.map((s) => s.name)).toEqual(['live/c', 'live/z', 'live/b', 'live/a']);
  });

  it('words the media and the archive', () => {
    expect(mediaLabel({ video: { codec: 'h264', width: 1920, height: 1080 }, audio: { codec: 'aac' } })).toBe('1920×1080 · H.264 · AAC');
    expect(mediaLabel({ video: null, audio: { codec: 'opus' } })).toBe('Opus');
    expect(archiveLabel(null)).toBeNull();
    expect(archiveLabel({ firstMs: 0, lastMs: 42_000 })).toBe('Archive 42s');
    expect(archiveLabel({ firstMs: 0, lastMs: (2 * 3600 + 5 * 60) * 1000 })).toBe('Archive 2h 05m');
    expect(archiveLabel({ firstMs: 0, lastMs: (3 * 86400 + 4 * 3600) * 1000 })).toBe('Archive 3d 4h');
  });

  it('addresses the player and the poster, each name part encoded', () => {
    expect(embedUrl('live/cam 1')).toBe('/live/cam%201/embed.html?autoplay=1&webrtc=1');
    expect(embedUrl('live/cam1', { dvr: true, token: 'a~b.c' })).toBe('/live/cam1/embed.html?autoplay=1&dvr=true&token=a%7Eb.c');
    expect(posterUrl('live/cam1', null, 7)).toBe('/live/cam1/preview.jpg?t=7');
    expect(posterUrl('live/cam1', 'tok_1', 7)).toBe('/live/cam1/preview.jpg?t=7&token=tok_1');
  });

  it('keeps the open stream in the hash', () => {
    expect(watchHash('live/cam 1')).toBe('#/watch/live/cam%201');
    expect(streamFromHash('#/watch/live/cam%201')).toBe('live/cam 1');
    expect(streamFromHash('#/watch/')).toBeNull();
    expect(streamFromHash('#/monitor')).toBeNull();
    expect(streamFromHash('#/watch/%E0%A4%A')).toBeNull();
  });
});

describe('play tokens', () => {
  it('accepts empty (open) and the contract’s characters, and says what is wrong otherwise', () => {
    expect(playTokenProblem('')).toBeNull();
    expect(playTokenProblem('  ')).toBeNull();
    expect(playTokenProblem('Ab-_.~9z')).toBeNull();
    expect(playTokenProblem('abc')).toMatch(/at least 4/);
    expect(playTokenProblem('x'.repeat(129))).toMatch(/at most 128/);
    expect(playTokenProblem('has space')).toMatch(/letters, digits/);
    expect(playTokenProblem('a/b?c')).toMatch(/letters, digits/);
  });

  it('generates 24 URL-safe characters the contract accepts', () => {
    const token = generatePlayToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(playTokenProblem(token)).toBeNull();
    expect(generatePlayToken()).not.toBe(token);
    // Bytes that base64 turns into + and /: they must come out URL-safe.
    expect(generatePlayToken((b) => b.fill(0xfb))).toBe('-_v7'.repeat(6));
  });
});

describe('describeUserAgent', () => {
  it('names common browsers and players with their system', () => {
    expect(describeUserAgent('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36')).toBe('Chrome 124 · Android');
    expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')).toBe('Safari 17.4 · iPhone');
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51')).toBe('Edge 124 · Windows');
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0')).toBe('Firefox 125 · Linux');
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/139.0.0.0 Safari/537.36')).toBe('Chrome 139 · Linux');
    expect(describeUserAgent('VLC/3.0.20 LibVLC/3.0.20')).toBe('VLC 3.0');
    expect(describeUserAgent('Lavf/59.27.100')).toBe('ffmpeg 59.27');
    expect(describeUserAgent('AppleCoreMedia/1.0.0.21E236 (iPad; U; CPU OS 17_4 like Mac OS X; en_us)')).toBe('AppleCoreMedia 1.0 · iPad');
    expect(describeUserAgent('')).toBe('Unknown player');
    expect(describeUserAgent('SmartTV-Player/2.1')).toBe('SmartTV-Player');
  });
});
