// RTMPS through the studio's verifying TLS bridge, against a real TLS front (node:tls with
// a certificate made for the test) on Debian's nginx-rtmp, published by real ffmpeg with
// the arguments the restream runner uses.
import net from 'node:net';
import fs from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { startNginxRtmp } from '../../bench/peers.js';
import { loadTlsIdentity } from '../../net/tls-identity.js';
import { ffprobeStreams, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { until } from '../../test-support/wait.js';
import { pushArgs } from './push-runner.js';
import { openTlsBridge, rtmpsParts } from './tls-bridge.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tlsFront(): Promise<{ port: number; cert: string; dir: string; recordDir: string }> {
  const temp = await makeTempDir('framehouse-rtmps-');
  cleanups.push(temp.cleanup);
  const nginx = await startNginxRtmp(path.join(temp.dir, 'nginx'));
  cleanups.push(() => nginx.stop());
  const identity = await loadTlsIdentity(path.join(temp.dir, 'tls'), { dns: ['localhost'], ips: ['127.0.0.1'] });
  const server = tls.createServer({ key: identity.key, cert: identity.cert }, (secure) => {
    const plain = net.connect(nginx.rtmpPort, '127.0.0.1');
    secure.pipe(plain).pipe(secure);
    secure.on('error', () => plain.destroy());
    plain.on('error', () => secure.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as net.AddressInfo).port, cert: identity.cert, dir: temp.dir, recordDir: path.join(temp.dir, 'nginx', 'record') };
}

function push(bridgePort: number, url: string) {
  const parts = rtmpsParts(url)!;
  const args = pushArgs(`rtmp://127.0.0.1:${bridgePort}${parts.plainPath}`, parts.tcUrl);
  // The runner feeds MPEG-TS on stdin; here ffmpeg makes it and pipes it to a second ffmpeg with the runner's arguments.
  return startFfmpeg(['-re', ...testSourceArgs({ size: '160x90', seconds: 3, encoder: 'zerolatency' }), '-f', 'flv', ...args.slice(args.indexOf('-flvflags'))]);
}

describe('RTMPS through the TLS bridge', () => {
  it('refuses a server whose certificate the platform does not trust, and says so', async () => {
    const front = await tlsFront();
    const url = `rtmps://127.0.0.1:${front.port}/live/untrusted`;
    const bridge = await openTlsBridge(rtmpsParts(url)!);
    cleanups.push(() => bridge.close());
    const publisher = push(bridge.port, url);
    expect(await publisher.exited).not.toBe(0);
    expect(bridge.error).toMatch(/self[- ]signed|certificate/i);
    expect(await fs.readdir(front.recordDir)).toEqual([]);
  }, 30_000);

  it('carries the stream to a server it trusts, with the real tcUrl', async () => {
    const front = await tlsFront();
    const url = `rtmps://127.0.0.1:${front.port}/live/trusted-key`;
    const bridge = await openTlsBridge(rtmpsParts(url)!, { ca: [front.cert] });
    cleanups.push(() => bridge.close());
    const publisher = push(bridge.port, url);
    expect(await publisher.exited).toBe(0);
    expect(bridge.error).toBeNull();
    const file = await until('nginx recorded it', async () => (await fs.readdir(front.recordDir)).find((f) => f.startsWith('trusted-key')) ?? null);
    expect((await ffprobeStreams(path.join(front.recordDir, file))).map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(rtmpsParts('rtmps://live-api-s.facebook.com/rtmp/FB-1-2?a=b')).toEqual({ host: 'live-api-s.facebook.com', port: 443, plainPath: '/rtmp/FB-1-2?a=b', userinfo: '', tcUrl: 'rtmps://live-api-s.facebook.com:443/rtmp' });
    expect(rtmpsParts('rtmps://u:p@[::1]:8443/app/key')).toMatchObject({ host: '::1', port: 8443, userinfo: 'u:p@', tcUrl: 'rtmps://[::1]:8443/app' });
    expect(rtmpsParts('rtmps://host')).toBeNull();
  }, 30_000);
});
