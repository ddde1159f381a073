import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { useStudio, type TestStudio } from '../test-support/studio-instance.js';
import { RtmpTestClient } from '../test-support/rtmp-client.js';
import { parseStreamId } from './srt/srt-handshake.js';
import { splitStreamKey } from './publish-gate.js';
import { isThisMachine } from '../net/this-machine.js';

// 127.0.0.2 is loopback to the kernel but "another host" to the studio, whose own
// machine is 127.0.0.1 and ::1 only: the LAN rule can be tested without leaving loopback.
const otherHost = '127.0.0.2';

async function publishRtmp(t: TestStudio, key: string, from?: string) {
  const client = await RtmpTestClient.open(t.rtmpPort, '127.0.0.1', from);
  try {
    await client.connect('live');
    return await client.publish(key);
  } finally {
    client.close();
  }
}

/** POSTs a few bytes as MPEG-TS from a chosen source address; resolves with the status. */
function postTs(t: TestStudio, path: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, t.urls.http);
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', localAddress: from, headers: { 'content-type': 'video/mp2t', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    request.on('error', reject);
    // Not a whole stream: an admitted publisher keeps the request open, so end it after the answer.
    request.write(Buffer.alloc(188 * 4, 0xff));
    setTimeout(() => request.destroy(), 2000).unref();
  });
}

/** One whole POST (the body ends), as a web page's fetch() would send it; resolves with the status. */
function postTsFromPage(t: TestStudio, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, t.urls.http);
    const body = Buffer.alloc(188 * 4, 0xff);
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': String(body.length), ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const settingsOf = async (t: TestStudio) => ((await (await t.api('/api/settings')).json()) as { settings: { publishKey: string; lanPublish: string } }).settings;

describe('publishing from other hosts', () => {
  const ctx = useStudio();

  it('makes a studio publish key at first start and keeps it', async () => {
    const settings = await settingsOf(ctx());
    expect(settings.lanPublish).toBe('key');
    expect(settings.publishKey).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('lets this machine publish without a key, and asks another host for the studio key', async () => {
    const t = ctx();
    const { publishKey } = await settingsOf(t);
    expect(await publishRtmp(t, 'here')).toMatchObject({ code: 'NetStream.Publish.Start' });
    const refused = await publishRtmp(t, 'there', otherHost);
    expect(refused.code).toBe('NetStream.Publish.BadName');
    expect(refused.description).toMatch(/needs the studio publish key/);
    expect((await publishRtmp(t, 'there?key=wrong-key', otherHost)).description).toMatch(/wrong publish key/);
    expect(await publishRtmp(t, `there?key=${publishKey}`, otherHost)).toMatchObject({ code: 'NetStream.Publish.Start' });
    expect(t.events.some((e) => e.type === 'publish_refused')).toBe(true);
  });

  it('takes the stream password or the studio key for a stream with a password, from anywhere', async () => {
    const t = ctx();
    const { publishKey } = await settingsOf(t);
    expect((await t.api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/locked', publishPassword: 'let-me-in' }) })).status).toBe(201);
    expect((await publishRtmp(t, 'locked')).description).toMatch(/needs a password/);
    expect(await publishRtmp(t, 'locked?password=let-me-in', otherHost)).toMatchObject({ code: 'NetStream.Publish.Start' });
    expect(await publishRtmp(t, `locked?key=${publishKey}`, otherHost)).toMatchObject({ code: 'NetStream.Publish.Start' });
  });

  it('asks MPEG-TS over HTTP from another host for the key too', async () => {
    const t = ctx();
    const { publishKey } = await settingsOf(t);
    expect(await postTs(t, '/live/ts1/mpegts', otherHost)).toBe(403);
    expect(await postTs(t, '/live/ts1/mpegts?key=nope', otherHost)).toBe(403);
    // Admitted: the answer only comes when the body ends, which the timer forces.
    await expect(postTs(t, `/live/ts1/mpegts?key=${publishKey}`, otherHost)).rejects.toThrow();
  });

  it('takes no publisher from a web page, though the browser runs on this machine', async () => {
    // A page the operator opens can POST to 127.0.0.1 (a "simple" cross-origin request, no preflight):
    // the loopback exemption is for encoders, which never send Origin or Sec-Fetch-* headers.
    const t = ctx();
    expect(await postTsFromPage(t, '/live/page1/mpegts', { origin: 'http://evil.example' })).toBe(403);
    expect(await postTsFromPage(t, '/live/page2/mpegts', { 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await t.stream('live/page1')).toBeNull();
    expect(await t.stream('live/page2')).toBeNull();
    // An encoder on this machine (no browser headers; Node's fetch sends only Sec-Fetch-Mode) is still let in without a key.
    expect(await postTsFromPage(t, '/live/encoder/mpegts', { 'sec-fetch-mode': 'cors' })).toBe(204);
  });

  it('takes the peer address from the socket, never from X-Forwarded-For', async () => {
    const t = ctx();
    expect(await postTs(t, '/live/fwd/mpegts', otherHost, { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=127.0.0.1' })).toBe(403);
  });

  it('opens the LAN when the setting says so, at once', async () => {
    const t = ctx();
    expect((await t.api('/api/settings', { method: 'PUT', body: JSON.stringify({ lanPublish: 'open' }) })).status).toBe(200);
    expect(await publishRtmp(t, 'anyone', otherHost)).toMatchObject({ code: 'NetStream.Publish.Start' });
  });
});

describe('where encoders put the key', () => {
  it('reads ?key= as well as ?password= from an RTMP key and an SRT stream id', () => {
    expect(splitStreamKey('cam1?key=K')).toEqual({ key: 'cam1', password: 'K' });
    expect(splitStreamKey('cam1?password=P&key=K')).toEqual({ key: 'cam1', password: 'P' });
    expect(parseStreamId('publish:live/cam1?key=K')).toEqual({ name: 'live/cam1', mode: 'publish', password: 'K' });
  });
});

describe('which peers are this machine', () => {
  it('takes 127.0.0.1 and ::1 as they arrive on IPv4, IPv6 and dual-stack sockets, and nothing else', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isThisMachine(a), a).toBe(true);
    // The rest of 127/8, IPv4-compatible and NAT64 spellings, LAN and unknown peers need the key.
    for (const a of ['127.0.0.2', '::ffff:127.0.0.2', '::127.0.0.1', '::7f00:1', '64:ff9b::7f00:1', '0.0.0.0', '::', '192.168.1.5', '::ffff:192.168.1.5', '', null, undefined]) {
      expect(isThisMachine(a), String(a)).toBe(false);
    }
  });
});
