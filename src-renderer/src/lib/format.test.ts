import { describe, expect, it } from 'vitest';
import { formatBytes, formatUptime, plural, shortFfmpegVersion } from './format';
import { rtmpPublishBase } from './publish-url';
import { reconnectDelay } from '../api/backoff';

describe('format', () => {
  it('bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(84_400_000_000)).toBe('84.4 GB');
    expect(formatBytes(512_000_000_000)).toBe('512 GB');
  });

  it('uptime', () => {
    expect(formatUptime(9)).toBe('9s');
    expect(formatUptime(252)).toBe('4m 12s');
    expect(formatUptime(7500)).toBe('2h 05m');
    expect(formatUptime(3 * 86400 + 4 * 3600)).toBe('3d 4h');
  });

  it('ffmpeg versions', () => {
    expect(shortFfmpegVersion('5.1.6-0+deb12u1')).toBe('5.1.6');
    expect(shortFfmpegVersion('n7.1')).toBe('7.1');
    expect(shortFfmpegVersion('N-112345-gabcdef0123')).toBe('N-112345-gabcde…');
  });

  it('plural', () => {
    expect(plural(1, 'H.264 encoder')).toBe('1 H.264 encoder');
    expect(plural(2, 'H.264 encoder')).toBe('2 H.264 encoders');
  });
});

describe('rtmpPublishBase', () => {
  it('uses the bound host, or the page host for a wildcard bind', () => {
    expect(rtmpPublishBase('127.0.0.1', 1935, 'localhost')).toBe('rtmp://127.0.0.1:1935/live');
    expect(rtmpPublishBase('0.0.0.0', 1935, 'studio.local')).toBe('rtmp://studio.local:1935/live');
    expect(rtmpPublishBase('::1', 1935, 'x')).toBe('rtmp://[::1]:1935/live');
  });
});

describe('reconnectDelay', () => {
  it('grows from 0.5 s to a 5 s ceiling', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => reconnectDelay(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });
});
