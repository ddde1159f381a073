import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../studio.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { freePort } from '../test-support/wait.js';

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function studioOnFixedPorts(): Promise<{ studio: Studio; ports: { http: number; rtmp: number; srt: number } }> {
  const { dir, cleanup: removeDir } = await makeTempDir();
  const ports = { http: await freePort(), rtmp: await freePort(), srt: await freePort() };
  const studio = await createStudio({ dataDir: dir, adminToken: null, cli: { httpPort: ports.http, rtmpPort: ports.rtmp, srtPort: ports.srt }, env: {}, logToConsole: false });
  await studio.start();
  cleanup = async () => {
    await studio.stop();
    await removeDir();
  };
  return { studio, ports };
}

const putHost = (studio: Studio, port: number, host: string) =>
  fetch(`http://127.0.0.1:${port}/api/settings`, { method: 'PUT', headers: { authorization: `Bearer ${studio.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ host }) });

const udpTaken = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = dgram.createSocket('udp4');
    probe.once('error', () => resolve(true));
    probe.bind({ address: host, port, exclusive: true }, () => probe.close(() => resolve(false)));
  });

describe('the LAN switch', () => {
  it('moves every listener from loopback to all interfaces on the same ports, and back', async () => {
    const { studio, ports } = await studioOnFixedPorts();
    const on = await putHost(studio, ports.http, '0.0.0.0');
    expect(on.status).toBe(200);
    expect(studio.urls().http).toBe(`http://127.0.0.1:${ports.http}/`);
    expect((await fetch(`http://127.0.0.1:${ports.http}/api/health`)).status).toBe(200);
    // Bound to the wildcard now: the same ports on loopback are taken by the studio's own sockets.
    await expect(new Promise((resolve, reject) => net.createServer().once('error', reject).listen(ports.rtmp, '0.0.0.0', () => resolve('free')))).rejects.toThrow(/EADDRINUSE/);
    expect(await udpTaken('0.0.0.0', ports.srt)).toBe(true);

    const off = await putHost(studio, ports.http, '127.0.0.1');
    expect(off.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.http}/api/health`)).status).toBe(200);
    const rtmp = net.connect(ports.rtmp, '127.0.0.1');
    await new Promise((resolve, reject) => rtmp.once('connect', resolve).once('error', reject));
    rtmp.destroy();
  }, 20_000);

  it('stays where it was when the wanted address is taken by another program', async () => {
    const { studio, ports } = await studioOnFixedPorts();
    // Another program on the same port of another loopback address: the wildcard cannot have it.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.http, '127.0.0.2', resolve));
    try {
      const res = await putHost(studio, ports.http, '0.0.0.0');
      expect(res.status).toBe(409);
      expect((await fetch(`http://127.0.0.1:${ports.http}/api/health`)).status).toBe(200);
      expect(studio.urls().http).toBe(`http://127.0.0.1:${ports.http}/`);
    } finally {
      blocker.close();
    }
  }, 20_000);
});
