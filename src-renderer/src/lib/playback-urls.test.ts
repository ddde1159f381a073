import { describe, expect, it } from 'vitest';
import { baseLabel, lanBase, offersLanBase, playbackUrls } from './playback-urls';

const origin = 'http://127.0.0.1:8935';

describe('playbackUrls', () => {
  it('builds every URL of an open stream under the base, keeping the slashes of the name', () => {
    expect(playbackUrls(origin, 'live/cam1')).toEqual({
      player: 'http://127.0.0.1:8935/live/cam1/embed.html',
      playerLowLatency: 'http://127.0.0.1:8935/live/cam1/embed.html?lowlatency=1',
      hls: 'http://127.0.0.1:8935/live/cam1/index.m3u8',
      mpegts: 'http://127.0.0.1:8935/live/cam1/mpegts',
      dvr: null,
      mediaInfo: 'http://127.0.0.1:8935/live/cam1/media_info.json',
    });
  });

  it('offers the archive player only with a recording', () => {
    expect(playbackUrls(origin, 'live/cam1', { dvr: false }).dvr).toBeNull();
    expect(playbackUrls(origin, 'live/cam1', { dvr: true }).dvr).toBe('http://127.0.0.1:8935/live/cam1/embed.html?dvr=true');
  });

  it('puts the play token in every URL, after any other parameter', () => {
    const urls = playbackUrls(origin, 'live/cam1', { token: 'v1ewer-T0ken_x.y~z', dvr: true });
    expect(urls).toEqual({
      player: 'http://127.0.0.1:8935/live/cam1/embed.html?token=v1ewer-T0ken_x.y~z',
      playerLowLatency: 'http://127.0.0.1:8935/live/cam1/embed.html?lowlatency=1&token=v1ewer-T0ken_x.y~z',
      hls: 'http://127.0.0.1:8935/live/cam1/index.m3u8?token=v1ewer-T0ken_x.y~z',
      mpegts: 'http://127.0.0.1:8935/live/cam1/mpegts?token=v1ewer-T0ken_x.y~z',
      dvr: 'http://127.0.0.1:8935/live/cam1/embed.html?dvr=true&token=v1ewer-T0ken_x.y~z',
      mediaInfo: 'http://127.0.0.1:8935/live/cam1/media_info.json?token=v1ewer-T0ken_x.y~z',
    });
  });

  it('treats a null or empty token as open playback', () => {
    for (const token of [null, '', undefined]) {
      const urls = playbackUrls(origin, 'cam', { token, dvr: true });
      for (const url of Object.values(urls)) expect(url).not.toContain('token');
    }
  });

  it('encodes each part of the name on its own, and the token as a query value', () => {
    const urls = playbackUrls(origin, 'a b/c#d/e?f', { token: 'x&y=z' });
    expect(urls.hls).toBe('http://127.0.0.1:8935/a%20b/c%23d/e%3Ff/index.m3u8?token=x%26y%3Dz');
    expect(new URL(urls.hls).pathname).toBe('/a%20b/c%23d/e%3Ff/index.m3u8');
    expect(new URL(urls.hls).searchParams.get('token')).toBe('x&y=z');
  });

  it('takes a LAN base with or without its trailing slash', () => {
    expect(playbackUrls('http://192.168.1.20:8935/', 'studio/a/b').mpegts).toBe('http://192.168.1.20:8935/studio/a/b/mpegts');
    expect(playbackUrls('http://[fe80::1]:8935', 'cam').hls).toBe('http://[fe80::1]:8935/cam/index.m3u8');
  });
});

describe('lanBase', () => {
  it('is the first LAN URL without its slash, when the studio is on the LAN', () => {
    expect(lanBase({ bound: '0.0.0.0', lan: true, urls: ['http://192.168.1.20:8935/', 'http://10.0.0.5:8935/'] })).toBe('http://192.168.1.20:8935');
    expect(lanBase({ bound: '192.168.1.20', lan: true, urls: ['http://192.168.1.20:8935/'] })).toBe('http://192.168.1.20:8935');
  });

  it('is null on loopback, without a network, or before /api/lan answered', () => {
    expect(lanBase({ bound: '127.0.0.1', lan: false, urls: [] })).toBeNull();
    expect(lanBase({ bound: '0.0.0.0', lan: false, urls: ['http://192.168.1.20:8935/'] })).toBeNull();
    expect(lanBase({ bound: '0.0.0.0', lan: true, urls: [] })).toBeNull();
    expect(lanBase(null)).toBeNull();
    expect(lanBase(undefined)).toBeNull();
  });
});

describe('offersLanBase', () => {
  it('offers the LAN address to a page opened on this machine', () => {
    expect(offersLanBase(origin, 'http://192.168.1.20:8935')).toBe(true);
  });

  it('does not when there is none, or the page was opened by it', () => {
    expect(offersLanBase(origin, null)).toBe(false);
    expect(offersLanBase('http://192.168.1.20:8935', 'http://192.168.1.20:8935')).toBe(false);
  });
});

describe('baseLabel', () => {
  it('drops the scheme and the trailing slash', () => {
    expect(baseLabel('http://192.168.1.20:8935/')).toBe('192.168.1.20:8935');
    expect(baseLabel('https://studio.local')).toBe('studio.local');
  });
});
