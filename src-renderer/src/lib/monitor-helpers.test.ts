import { describe, expect, it } from 'vitest';
import type { PublishUrls } from '../../../src-main/contract/studio-api';
import { gridColumnCount, moveInGrid } from './grid-nav';
import { ffmpegTestCommand, listensBeyondLoopback, localizePublishUrls, prefixApp, rtmpPublishBase, withPublishKey } from './publish-url';
import { sparklineGeometry } from './sparkline';
import { displayAddress, streamEventToast } from './stream-events';

describe('sparklineGeometry', () => {
  it('scales the largest value to the top and zero to the baseline', () => {
    const g = sparklineGeometry([0, 5, 10], 100, 20, 3, 0);
    expect(g.max).toBe(10);
    expect(g.line).toBe('0,20 50,10 100,0');
    expect(g.area).toBe('M0,20 L0,20 L50,10 L100,0 L100,20 Z');
  });

  it('grows a short history in from the right', () => {
    const g = sparklineGeometry([4, 4], 100, 20, 5, 0);
    expect(g.line).toBe('75,0 100,0');
  });

  it('draws a flat line for silence and nothing for no data', () => {
    expect(sparklineGeometry([0, 0, 0], 100, 20, 3, 0).line).toBe('0,20 50,20 100,20');
    expect(sparklineGeometry([], 100, 20).line).toBe('');
  });
});

describe('moveInGrid', () => {
  // 7 tiles in rows of 3:  0 1 2 / 3 4 5 / 6
  it('moves along rows and columns without wrapping', () => {
    expect(moveInGrid(0, 'ArrowRight', 3, 7)).toBe(1);
    expect(moveInGrid(0, 'ArrowLeft', 3, 7)).toBe(0);
    expect(moveInGrid(2, 'ArrowRight', 3, 7)).toBe(3);
    expect(moveInGrid(1, 'ArrowDown', 3, 7)).toBe(4);
    expect(moveInGrid(4, 'ArrowUp', 3, 7)).toBe(1);
    expect(moveInGrid(1, 'ArrowUp', 3, 7)).toBe(1);
    expect(moveInGrid(6, 'ArrowDown', 3, 7)).toBe(6);
    expect(moveInGrid(3, 'End', 3, 7)).toBe(6);
    expect(moveInGrid(3, 'Home', 3, 7)).toBe(0);
  });

  it('lands on the last tile of a shorter last row', () => {
    expect(moveInGrid(5, 'ArrowDown', 3, 7)).toBe(6);
    expect(moveInGrid(4, 'ArrowDown', 3, 7)).toBe(6);
  });

  it('starts somewhere sensible with no focus yet', () => {
    expect(moveInGrid(-1, 'ArrowRight', 3, 7)).toBe(1);
    expect(moveInGrid(0, 'ArrowRight', 3, 0)).toBe(-1);
  });

  it('counts the columns of a computed grid template', () => {
    expect(gridColumnCount('300px 300px 300px')).toBe(3);
    expect(gridColumnCount('none')).toBe(1);
    expect(gridColumnCount('')).toBe(1);
  });
});

describe('publish URLs', () => {
  const urls: PublishUrls = {
    rtmp: { server: 'rtmp://127.0.0.1:1935/live', key: 'cam1', url: 'rtmp://127.0.0.1:1935/live/cam1' },
    srt: 'srt://127.0.0.1:8890?streamid=publish:live/cam1',
    mpegtsHttp: 'http://127.0.0.1:8935/live/cam1/mpegts',
    smoothHttp: 'http://127.0.0.1:8935/live/cam1.isml/Streams(video)',
    keyForOtherHosts: null,
  };

  it('names the studio by the host this page used when it listens on every address', () => {
    const lan = localizePublishUrls(urls, '0.0.0.0', '192.168.1.20');
    expect(lan.rtmp.server).toBe('rtmp://192.168.1.20:1935/live');
    expect(lan.rtmp.key).toBe('cam1');
    expect(lan.rtmp.url).toBe('rtmp://192.168.1.20:1935/live/cam1');
    expect(lan.srt).toBe('srt://192.168.1.20:8890?streamid=publish:live/cam1');
    expect(lan.mpegtsHttp).toBe('http://192.168.1.20:8935/live/cam1/mpegts');
    expect(lan.smoothHttp).toBe('http://192.168.1.20:8935/live/cam1.isml/Streams(video)');
  });

  it('leaves them alone for a single-address bind or a local page', () => {
    expect(localizePublishUrls(urls, '127.0.0.1', '192.168.1.20')).toBe(urls);
    expect(localizePublishUrls(urls, '0.0.0.0', 'localhost')).toBe(urls);
    expect(localizePublishUrls(urls, undefined, 'studio.local')).toBe(urls);
  });

  it('brackets IPv6 page hosts', () => {
    expect(localizePublishUrls(urls, '::', 'fe80::1').rtmp.server).toBe('rtmp://[fe80::1]:1935/live');
  });

  it('RTMP base and app', () => {
    expect(rtmpPublishBase('127.0.0.1', 1935, 'localhost')).toBe('rtmp://127.0.0.1:1935/live');
    expect(rtmpPublishBase('0.0.0.0', 1935, 'studio.local', 'cams')).toBe('rtmp://studio.local:1935/cams');
    expect(prefixApp('live/')).toBe('live');
    expect(prefixApp('studio/cams/')).toBe('studio');
    expect(prefixApp(undefined)).toBe('live');
  });

  it('quotes the URL in the ffmpeg command only when the shell needs it', () => {
    expect(ffmpegTestCommand('rtmp://h:1935/live/cam1')).toMatch(/-f flv rtmp:\/\/h:1935\/live\/cam1$/);
    expect(ffmpegTestCommand('rtmp://h:1935/live/cam1?password=PASSWORD')).toMatch(/-f flv 'rtmp:\/\/h:1935\/live\/cam1\?password=PASSWORD'$/);
  });
});

describe('streamEventToast', () => {
  it('words a refused publisher', () => {
    expect(
      streamEventToast({
        type: 'publish_refused',
        data: { name: 'live/cam1', protocol: 'rtmp', remoteAddress: '::ffff:10.0.0.5', reason: 'wrong password for live/cam1' },
      }),
    ).toEqual({ tone: 'danger', stream: 'live/cam1', text: 'live/cam1: wrong password for live/cam1 (rtmp from 10.0.0.5)' });
  });

  it('words lost and switched sources, masking credentials', () => {
    expect(
      streamEventToast({ type: 'source_lost', data: { name: 'cams/door', url: 'rtsp://admin:pw@cam/1', reason: 'connection reset' } }).text,
    ).toBe('cams/door: source rtsp://admin:***@cam/1 lost: connection reset');
    expect(streamEventToast({ type: 'source_switched', data: { name: 'cams/door', from: 'rtsp://a/1', to: 'rtsp://b/1' } })).toMatchObject({
      tone: 'info',
      text: 'cams/door: switched to rtsp://b/1 from rtsp://a/1',
    });
  });

  it('keeps starts and stops quiet', () => {
    expect(streamEventToast({ type: 'stream_started', data: { name: 'live/x', protocol: 'mpegts-http', remoteAddress: null } })).toEqual({
      tone: 'quiet',
      stream: 'live/x',
      text: 'live/x started · MPEG-TS',
    });
    expect(streamEventToast({ type: 'stream_stopped', data: { name: 'live/x', reason: 'publisher left' } }).text).toBe('live/x stopped: publisher left');
  });

  it('drops the IPv4-mapped prefix', () => {
    expect(displayAddress('::ffff:192.168.1.4')).toBe('192.168.1.4');
    expect(displayAddress('fe80::1')).toBe('fe80::1');
    expect(displayAddress(null)).toBeNull();
  });
});

describe('publish URLs for other hosts', () => {
  it('puts the studio key in the RTMP key, the SRT stream id and the MPEG-TS URL', () => {
    const urls: PublishUrls = {
      rtmp: { server: 'rtmp://10.0.0.5:1935/live', key: 'cam1', url: 'rtmp://10.0.0.5:1935/live/cam1' },
      srt: 'srt://10.0.0.5:8890?streamid=publish:live/cam1',
      mpegtsHttp: 'http://10.0.0.5:8935/live/cam1/mpegts',
      smoothHttp: 'http://10.0.0.5:8935/live/cam1.isml/Streams(video)',
      keyForOtherHosts: 'K-1',
    };
    expect(withPublishKey(urls, 'K-1')).toEqual({
      rtmp: { server: 'rtmp://10.0.0.5:1935/live', key: 'cam1?key=K-1', url: 'rtmp://10.0.0.5:1935/live/cam1?key=K-1' },
      srt: 'srt://10.0.0.5:8890?streamid=publish:live/cam1?key=K-1',
      mpegtsHttp: 'http://10.0.0.5:8935/live/cam1/mpegts?key=K-1',
      smoothHttp: 'http://10.0.0.5:8935/live/cam1.isml/Streams(video)?key=K-1',
      keyForOtherHosts: 'K-1',
    });
  });

  it('asks for the key whenever the studio listens beyond loopback, a single LAN address included', () => {
    // Bound to 192.168.1.5, even an encoder on this machine dials that address and is not loopback to the studio.
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'fe80::1', 'studio.lan']) expect(listensBeyondLoopback(host), host).toBe(true);
    for (const host of ['127.0.0.1', '::1', '[::1]', 'localhost', undefined]) expect(listensBeyondLoopback(host), String(host)).toBe(false);
  });
});
