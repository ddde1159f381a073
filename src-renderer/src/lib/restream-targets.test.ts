import { describe, expect, it } from 'vitest';
import { platformOf, targetFrom, targetsOf } from './restream-targets';

describe('restream targets in the window', () => {
  it('makes a target from a platform and its key, or a URL of the user\'s own', () => {
    expect(targetFrom('youtube', ' abcd-efgh-ijkl-mnop ', '')).toEqual({ target: { url: 'rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh-ijkl-mnop', label: 'YouTube' } });
    expect(targetFrom('twitch', 'live_123_abc', 'Main')).toEqual({ target: { url: 'rtmp://live.twitch.tv/app/live_123_abc', label: 'Main' } });
    expect(targetFrom('custom', 'srt://relay:9000?streamid=x', '')).toEqual({ target: { url: 'srt://relay:9000?streamid=x' } });
    expect(targetFrom('youtube', '', '')).toHaveProperty('error');
    expect(targetFrom('youtube', 'key with spaces', '')).toHaveProperty('error');
    expect(targetFrom('custom', 'http://x/y', '')).toHaveProperty('error');
  });

  it('recognises platforms and sends the shown (masked) targets back as they are', () => {
    expect(platformOf('rtmps://a.rtmps.youtube.com:443/live2/***abcd')).toBe('youtube');
    expect(platformOf('rtmp://live.twitch.tv/app/***1234')).toBe('twitch');
    expect(platformOf('rtmp://127.0.0.1/live/x')).toBe('custom');
    expect(targetsOf(null)).toEqual([]);
  });
});
