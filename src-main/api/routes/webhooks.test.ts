// Webhooks against a real local receiver that checks every signature: a test event, a stream
// published and unpublished, a receiver that fails twice and is retried until it takes the
// delivery, and what the API refuses.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Webhook } from '../../contract/webhook-api.js';
import { verifyDelivery } from '../../events/webhook-signature.js';
import { startFfmpeg } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();
const secret = 'a-secret-of-enough-length';

interface Received {
  type: string;
  stream: string | null;
  signed: boolean;
}

/** A receiver on loopback that answers `failFirst` requests with 500, then 200. */
async function receiver(failFirst = 0): Promise<{ url: string; got: Received[]; requests: () => number; close: () => Promise<void> }> {
  const got: Received[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (requests <= failFirst) {
        res.writeHead(500).end();
        return;
      }
      const body = Buffer.concat(chunks).toString();
      const parsed = JSON.parse(body) as { type: string; stream: string | null };
      got.push({ type: parsed.type, stream: parsed.stream, signed: verifyDelivery(secret, body, String(req.headers['x-framehouse-signature'] ?? ''), Date.now() / 1000) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('webhooks', () => {
  it('delivers signed events, retries a failing receiver, and keeps hooks', async () => {
    const good = await receiver();
    const flaky = await receiver(2);
    try {
      const created = await studio().api('/api/webhooks', { method: 'POST', body: JSON.stringify({ url: good.url, secret }) });
      expect(created.status, await created.clone().text()).toBe(201);
      const hook = (await created.json()) as Webhook;
      expect(JSON.stringify(hook)).not.toContain(secret);
      expect((await studio().api(`/api/webhooks/${hook.id}/test`, { method: 'POST' })).status).toBe(202);
      await until('the test event', async () => good.got.some((g) => g.type === 'webhook.test'));

      const camera = startFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=25', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-f', 'mpegts', new URL('/live/hooked/mpegts', studio().urls.http).href]);
      await until('stream.published', async () => good.got.some((g) => g.type === 'stream.published' && g.stream === 'live/hooked'), 20_000);
      await camera.stop();
      await until('stream.unpublished', async () => good.got.some((g) => g.type === 'stream.unpublished' && g.stream === 'live/hooked'), 20_000);
      expect(good.got.every((g) => g.signed)).toBe(true);

      // Only what it asked for; 500, 500, then taken (the third attempt, after 1 s and 5 s).
      const second = (await (await studio().api('/api/webhooks', { method: 'POST', body: JSON.stringify({ url: flaky.url, secret, events: ['webhook.test'] }) })).json()) as Webhook;
      await studio().api(`/api/webhooks/${second.id}/test`, { method: 'POST' });
      const delivered = await until('the retried delivery', async () => {
        const now = (await (await studio().api(`/api/webhooks/${second.id}`)).json()) as Webhook;
        return now.deliveries[0]?.state === 'delivered' ? now.deliveries[0] : null;
      }, 20_000);
      expect(delivered).toMatchObject({ attempts: 3, status: 204, type: 'webhook.test' });
      expect(flaky.got).toEqual([{ type: 'webhook.test', stream: null, signed: true }]);

      // Kept for the next start, secrets and all; deleted hooks are gone.
      const kept = JSON.parse(await fs.readFile(path.join(studio().dir, 'webhooks.json'), 'utf8')) as { id: string; secret: string }[];
      expect(kept.map((k) => k.id).sort()).toEqual([hook.id, second.id].sort());
      expect((await studio().api(`/api/webhooks/${second.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await studio().api(`/api/webhooks/${second.id}`)).status).toBe(404);
    } finally {
      await Promise.all([good.close(), flaky.close()]);
    }
  }, 60_000);

  it('refuses what it cannot deliver, and strangers', async () => {
    const post = (body: unknown) => studio().api('/api/webhooks', { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ url: 'ftp://127.0.0.1/x', secret })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1:1/x', secret: 'short' })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1:1/x', secret, events: ['stream.exploded'] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1:1/x', secret, extra: 1 })).status).toBe(400);
    expect((await fetch(new URL('/api/webhooks', studio().urls.http))).status).toBe(401);
    expect((await fetch(new URL('/api/webhooks/x/test', studio().urls.http), { method: 'POST' })).status).toBe(401);
    expect((await fetch(new URL('/api/webhooks/x', studio().urls.http), { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(new URL('/api/webhooks', studio().urls.http), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://127.0.0.1:1/x', secret }) })).status).toBe(401);
  }, 30_000);
});
