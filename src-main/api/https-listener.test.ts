// HTTPS beside HTTP (Settings → https): the studio's own certificate, verified here as a
// browser that accepted it would (by its IP address), the same app behind it (WHIP
// included: what a phone on the LAN needs for its camera), switched off and on at run
// time; and the certificate made once per data folder, made again when it no longer fits.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import selfsigned from 'selfsigned';
import { RTCPeerConnection } from 'werift';
import { describe, expect, it } from 'vitest';
import { keepCandidates } from '../net/ice-candidates.js';
import { loadTlsIdentity } from '../net/tls-identity.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { useStudio } from '../test-support/studio-instance.js';

const studio = useStudio({ https: 'on', httpsPort: 0 });

/** A request that trusts the studio's certificate alone, and checks it names the address asked for. */
function request(url: string, ca: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, agent: false, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      const fingerprint = (res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), fingerprint }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('HTTPS', () => {
  it('serves the same studio over TLS with its own certificate, WHIP included, and goes off and on with the setting', async () => {
    const url = studio().urls.https!;
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const ca = await fs.readFile(path.join(studio().dir, 'tls', 'cert.pem'), 'utf8');
    const health = await request(`${url}api/health`, ca);
    expect(health.status).toBe(200);
    expect(health.fingerprint).toBe(new crypto.X509Certificate(ca).fingerprint256);
    // A certificate from elsewhere is not trusted: the check above is real.
    const other = await loadTlsIdentity(path.join(studio().dir, 'other-tls'), { dns: ['localhost'], ips: ['127.0.0.1'] });
    await expect(request(`${url}api/health`, other.cert)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);

    const pc = new RTCPeerConnection({ iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
    try {
      pc.addTransceiver('video', { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const whip = await request(`${url}live/phone/whip`, ca, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: keepCandidates(pc.localDescription!.sdp, ['127.0.0.1']) });
      expect(whip.status, whip.body).toBe(201);
    } finally {
      await pc.close();
    }

    const set = (body: object) => studio().api('/api/settings', { method: 'PUT', body: JSON.stringify(body) });
    expect((await set({ https: 'off' })).status).toBe(200);
    await expect(request(`${url}api/health`, ca)).rejects.toThrow(/ECONNREFUSED/);
    expect((await set({ https: 'on' })).status).toBe(200);
    const port = Number(new URL(studio().studio.urls().https!).port);
    expect((await request(`https://127.0.0.1:${port}/api/health`, ca)).status).toBe(200);
  }, 30_000);

  it('the certificate is made once per folder, and again when it lacks an address or is unreadable', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const names = { dns: ['localhost', 'studio.local'], ips: ['127.0.0.1', '192.0.2.10'] };
      const first = await loadTlsIdentity(dir, names);
      expect(new crypto.X509Certificate(first.cert).subjectAltName).toBe('DNS:localhost, DNS:studio.local, IP Address:127.0.0.1, IP Address:192.0.2.10');
      expect((await fs.stat(path.join(dir, 'key.pem'))).mode & 0o777).toBe(0o600);
      expect((await loadTlsIdentity(dir, names)).fingerprint).toBe(first.fingerprint);
      // A new DHCP lease: the certificate must name the new address.
      const moved = await loadTlsIdentity(dir, { ...names, ips: ['127.0.0.1', '192.0.2.77'] });
      expect(moved.fingerprint).not.toBe(first.fingerprint);
      expect(new crypto.X509Certificate(moved.cert).subjectAltName).toContain('192.0.2.77');
      await fs.writeFile(path.join(dir, 'cert.pem'), 'not a certificate');
      const remade = await loadTlsIdentity(dir, names);
      expect(remade.fingerprint).not.toBe(moved.fingerprint);
      expect(new crypto.X509Certificate(remade.cert).verify(crypto.createPublicKey(remade.key))).toBe(true);
      // A key that is not the certificate's (a crash between the two writes): the pair is made again.
      await fs.writeFile(path.join(dir, 'key.pem'), first.key);
      const rematched = await loadTlsIdentity(dir, names);
      expect(rematched.fingerprint).not.toBe(remade.fingerprint);
      expect(new crypto.X509Certificate(rematched.cert).checkPrivateKey(crypto.createPrivateKey(rematched.key))).toBe(true);
      // A pair of the user's own (another issuer) is used as it is, whatever it names.
      const own = await selfsigned.generate([{ name: 'commonName', value: 'studio.example.org' }], { keyType: 'ec', algorithm: 'sha256' });
      await fs.writeFile(path.join(dir, 'key.pem'), own.private);
      await fs.writeFile(path.join(dir, 'cert.pem'), own.cert);
      expect((await loadTlsIdentity(dir, names)).cert).toBe(own.cert);
    } finally {
      await cleanup();
    }
  });
});
