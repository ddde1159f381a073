import { describe, expect, it } from 'vitest';
import { maskCredentials } from '../../../src-main/contract/mask-credentials';
import { streamNameProblem as contractNameProblem } from '../../../src-main/contract/stream-name';
import { sourceUrlProblem, streamApiPath, streamFileUrl, streamNameProblem } from './stream-name';

describe('streamNameProblem', () => {
  it.each(['live/cam1', 'cam1', 'a/b/c', 'studio_A/cam-2.hd', 'X', 'live/console', 'live/com10', 'live/partial', 'live/x.partials', 'live/tmp'])('accepts %s', (name) => {
    expect(streamNameProblem(name)).toBeNull();
  });

  it.each([
    ['', 'Enter a stream name'],
    ['live/', 'not a valid stream name'],
    ['/live', 'not a valid stream name'],
    ['live//cam', 'not a valid stream name'],
    ['live cam', 'not a valid stream name'],
    ['live/cäm', 'not a valid stream name'],
    ['live/../x', '"." and ".." are not allowed'],
    ['./x', '"." and ".." are not allowed'],
    ['a'.repeat(201), 'longer than 200'],
    ['live/x.partial', 'temporary files'],
    ['live/x.PARTIAL/cam', 'temporary files'],
    ['live/seg.tmp', 'temporary files'],
    ['live/cam.tmp-12-34', 'temporary files'],
    ['live/cam.', 'ends with a dot'],
    ['live/CON', 'device name on Windows'],
    ['nul.txt/cam', 'device name on Windows'],
    ['live/com7', 'device name on Windows'],
    ['live/Lpt1.mp4', 'device name on Windows'],
  ])('refuses %j', (name, words) => {
    expect(streamNameProblem(name)).toContain(words);
  });

  it('words an empty name as a prompt, and every other refusal as the contract does, as a sentence', () => {
    expect(streamNameProblem('')).toBe('Enter a stream name, e.g. live/cam2');
    expect(contractNameProblem('')).toBe('the stream name is empty');
    expect(streamNameProblem('a'.repeat(201))).toBe('The stream name is longer than 200 characters');
    expect(streamNameProblem('live cam')).toBe('"live cam" is not a valid stream name: use letters, digits, _ - . and / between parts (e.g. live/cam1)');
    for (const name of ['live/cam1', 'live/', 'live/CON', 'live/x.partial', 'live/cam.', './x', 'a'.repeat(200), 'a'.repeat(201)]) {
      const own = streamNameProblem(name);
      const contract = contractNameProblem(name);
      expect(own === null, name).toBe(contract === null);
      if (own !== null && contract !== null) expect(own.toLowerCase()).toBe(contract.toLowerCase());
    }
  });
});

describe('stream URLs', () => {
  it('encodes the name as one API path segment', () => {
    expect(streamApiPath('live/cam1')).toBe('/api/streams/live%2Fcam1');
    expect(streamApiPath('live/cam1', '/publish-urls')).toBe('/api/streams/live%2Fcam1/publish-urls');
  });

  it('keeps the slashes in per-stream file URLs', () => {
    expect(streamFileUrl('live/cam1', 'preview.jpg')).toBe('/live/cam1/preview.jpg');
  });
});

describe('sourceUrlProblem', () => {
  it.each([
    'rtsp://10.0.0.9:554/stream1',
    'rtsps://cam/x',
    'rtmp://example.com/live/key',
    'srt://10.0.0.2:9000?mode=caller',
    'udp://239.0.0.1:1234',
    'https://cdn.example.com/live/index.m3u8',
    'http://host/playlist.m3u8?token=1',
    'file://clips/intro.mp4',
    'file://my%20clip.mp4',
  ])('accepts %s', (url) => {
    expect(sourceUrlProblem(url)).toBeNull();
  });

  it.each([
    ['', 'Enter a source URL'],
    ['ftp://host/file.ts', 'Unsupported source'],
    ['camera.local/stream', 'Unsupported source'],
    ['http://host/video.mp4', 'Only HLS playlists'],
    ['file:///etc/passwd', 'relative to the media folder'],
    ['file://C:/videos/a.mp4', 'relative to the media folder'],
    ['file://../secret.mp4', 'leaves the media folder'],
    ['file://clips/../../x.mp4', 'leaves the media folder'],
    ['file://', 'Name a file'],
  ])('refuses %j', (url, words) => {
    expect(sourceUrlProblem(url)).toContain(words);
  });

  it('masks credentials for display', () => {
    expect(maskCredentials('rtsp://admin:s3cret@10.0.0.9/stream')).toBe('rtsp://admin:***@10.0.0.9/stream');
    expect(maskCredentials('rtsp://10.0.0.9/stream')).toBe('rtsp://10.0.0.9/stream');
    expect(maskCredentials('rtsp://a:***@cam/1: rtsp://a:s3cret@cam/1: Connection refused')).toBe(
      'rtsp://a:***@cam/1: rtsp://a:***@cam/1: Connection refused',
    );
  });
});
