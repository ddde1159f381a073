import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../src-main/contract/studio-api';
import { buildPatch, changedKeys, fieldOfDetail, parseHostList, parseNumberList, rebaseDraft, toDraft, withoutBodyPrefix } from './settings-draft';

const saved: Settings = {
  host: '127.0.0.1',
  httpPort: 8935,
  rtmpPort: 1935,
  srtPort: 8890,
  https: 'off',
  httpsPort: 8936,
  pinPorts: 'off',
  publishPrefix: 'live/',
  dvrSegmentSeconds: 2,
  llHlsPartMs: 200,
  dvrDepth: '',
  dvrMaxSize: '',
  dvrMinFreeMB: 1024,
  mediaDir: '',
  ffmpegPath: '',
  logLevel: 'info',
  exportsDir: '',
  exportMaxSeconds: 14_400,
  recordingsDir: '',
  recordingCommand: '',
  recordingCommandSeconds: 300,
  authHookUrl: '',
  authHookCacheSeconds: 30,
  allowedHosts: ['studio.local'],
  lanPublish: 'key',
  publishKey: 'k3y',
  ingestMaxConnections: 1000,
  ingestMaxConnectionsPerAddress: 600,
  ingestMaxBufferMB: 32,
  ingestMaxTotalBufferMB: 1024,
  ingestHandshakeSeconds: 10,
  ingestIdleSeconds: 10,
  srtMaxLatencyMs: 8000,
  httpMaxConnections: 4000,
  httpMaxConnectionsPerAddress: 1000,
  httpHeadersTimeoutSeconds: 15,
  playlistMaxHours: 24,
  mediaJobsMax: 4,
  vodCacheMB: 4096,
  webrtcPortMin: 50_000,
  webrtcPortMax: 50_099,
  webrtcIceServers: [],
  webrtcConnectSeconds: 20,
  transcodeLadder: '',
  transcodeEncoder: 'auto',
  viewerThresholds: [10, 100],
};

describe('settings draft', () => {
  it('round-trips without changes', () => {
    const draft = toDraft(saved);
    expect(changedKeys(draft, saved)).toEqual([]);
    expect(buildPatch(draft, saved)).toEqual({ patch: {}, error: null });
  });

  it('sends only what changed, typed', () => {
    const draft = { ...toDraft(saved), httpPort: ' 9000 ', allowedHosts: 'studio.local\n\n  cam.lan  \n', logLevel: 'debug' as const };
    expect(buildPatch(draft, saved)).toEqual({
      patch: { httpPort: 9000, allowedHosts: ['studio.local', 'cam.lan'], logLevel: 'debug' },
      error: null,
    });
  });

  it('sends the pin-ports choice as it is', () => {
    const draft = { ...toDraft(saved), pinPorts: 'on' as const };
    expect(changedKeys(draft, saved)).toEqual(['pinPorts']);
    expect(buildPatch(draft, saved)).toEqual({ patch: { pinPorts: 'on' }, error: null });
  });

  it('ignores formatting-only edits', () => {
    const draft = { ...toDraft(saved), host: ' 127.0.0.1 ', allowedHosts: '\nstudio.local\n' };
    expect(changedKeys(draft, saved)).toEqual([]);
  });

  it('refuses a port that is not a number, and leaves the range to the server', () => {
    const bad = buildPatch({ ...toDraft(saved), rtmpPort: '19x5' }, saved);
    expect(bad.error).toEqual({ key: 'rtmpPort', message: 'rtmpPort: must be a whole number (0 to 65535)' });
    expect(buildPatch({ ...toDraft(saved), rtmpPort: '70000' }, saved).patch).toEqual({ rtmpPort: 70000 });
  });

  it('rebases untouched fields onto new server values and keeps edits', () => {
    const draft = { ...toDraft(saved), rtmpPort: '2000' };
    const after = { ...saved, httpPort: 9100, rtmpPort: 1936 };
    const next = rebaseDraft(draft, saved, after);
    expect(next.httpPort).toBe('9100');
    expect(next.rtmpPort).toBe('2000');
  });

  it('splits host lists on lines and commas', () => {
    expect(parseHostList(' a.local, b.local\n\nc.local ')).toEqual(['a.local', 'b.local', 'c.local']);
  });

  it('reads viewer thresholds as numbers, refusing what is not one', () => {
    expect(toDraft(saved).viewerThresholds).toBe('10, 100');
    expect(changedKeys({ ...toDraft(saved), viewerThresholds: '10,100 ' }, saved)).toEqual([]);
    expect(buildPatch({ ...toDraft(saved), viewerThresholds: '10, 100\n1000' }, saved)).toEqual({ patch: { viewerThresholds: [10, 100, 1000] }, error: null });
    expect(buildPatch({ ...toDraft(saved), viewerThresholds: '' }, saved)).toEqual({ patch: { viewerThresholds: [] }, error: null });
    expect(buildPatch({ ...toDraft(saved), viewerThresholds: '10, lots' }, saved).error).toEqual({ key: 'viewerThresholds', message: 'viewerThresholds: must be whole numbers separated by commas (whole numbers above 0, up to 8)' });
    expect(parseNumberList(' 5 ,\n 50 ')).toEqual([5, 50]);
  });
});

describe('fieldOfDetail', () => {
  it.each([
    ['httpPort: must be an integer', 'httpPort'],
    ['body.httpPort: must be <= 65535', 'httpPort'],
    ['body.allowedHosts.0: must NOT have fewer than 1 characters', 'allowedHosts'],
    ['/body/host must match pattern', 'host'],
    ['RTMP port 1935 on 127.0.0.1 is already in use; choose another', 'rtmpPort'],
    ['10.9.9.9 is not an address of this machine; use 127.0.0.1 or 0.0.0.0', 'host'],
    ['body: unknown field', null],
    ['something else broke', null],
  ])('%s → %s', (detail, key) => {
    expect(fieldOfDetail(detail)).toBe(key);
  });

  it('drops the request part for display', () => {
    expect(withoutBodyPrefix('body.httpPort: must be <= 65535')).toBe('httpPort: must be <= 65535');
    expect(withoutBodyPrefix('httpPort: must be an integer')).toBe('httpPort: must be an integer');
  });
});
