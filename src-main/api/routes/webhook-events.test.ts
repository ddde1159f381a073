// The events of issue 17 beyond publishing, against a real studio: viewers of a real RTMP
// stream (HLS playlist requests from two loopback addresses) crossing the viewerThresholds
// up and down, a mix made through the API starting and stopping. Each reaches a real local
// receiver, signed, and the /api/events WebSocket as `webhook_event` frames.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StudioEvent, ViewerSession } from '../../contract/studio-api.js';
import { verifyDelivery } from '../../events/webhook-signature.js';
import { webhookEvent } from '../../events/webhooks.js';
import { startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ viewerThresholds: [2, 1], dvrSegmentSeconds: 1 });
const secret = 'a-secret-of-enough-length';

interface Delivery {
  type: string;
  stream: string | null;
  data: Record<string, unknown>;
  signed: boolean;
}

const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A receiver on loopback that checks each delivery's signature, hooked to the studio for `events`. */
async function hook(events: string[]): Promise<Delivery[]> {
  const got: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const parsed = JSON.parse(body) as Omit<Delivery, 'signed'>;
      got.push({ type: parsed.type, stream: parsed.stream, data: parsed.data, signed: verifyDelivery(secret, body, String(req.headers['x-framehouse-signature'] ?? ''), Date.now() / 1000) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const created = await studio().api('/api/webhooks', { method: 'POST', body: JSON.stringify({ url, secret, events }) });
  expect(created.status, await created.clone().text()).toBe(201);
  return got;
}

/** Frames of /api/events, as a client gets them. */
async function eventsSocket(): Promise<StudioEvent[]> {
  const ws = new WebSocket(`${studio().urls.http.replace('http', 'ws')}api/events`, { headers: { authorization: `Bearer ${studio().studio.token}` } });
  closers.push(() => ws.close());
  const frames: StudioEvent[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as StudioEvent));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return frames;
}

/** A viewer's HLS playlist request from `localAddress`: each address is a viewer session of its own. */
function playlist(name: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(`/${name}/index.m3u8`, studio().urls.http), { localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

const webhookFrames = (frames: StudioEvent[], type: string) =>
  frames.flatMap((f) => (f.type === 'webhook_event' && f.data.type === type ? [{ type: f.data.type, stream: f.data.stream, data: f.data.data }] : []));

describe('webhook events', () => {
  it('tells when viewers cross a threshold, up and down, to hooks and on the WebSocket', async () => {
    const got = await hook(['viewers.threshold']);
    const frames = await eventsSocket();
    const camera = startFfmpeg(['-re', ...testSourceArgs({ size: '320x180', rate: 25, gop: 25, encoder: 'zerolatency' }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/crowd`]);
    closers.push(() => camera.stop());
    await until('live/crowd live', async () => (await studio().stream('live/crowd'))?.state === 'publishing');

    await until('a playlist for the first viewer', async () => (await playlist('live/crowd', '127.0.0.1')) === 200);
    await until('viewers.threshold 1 up', async () => got.some((g) => g.data.threshold === 1));
    expect(await playlist('live/crowd', '127.0.0.2')).toBe(200);
    await until('viewers.threshold 2 up', async () => got.some((g) => g.data.threshold === 2));

    // Both viewers ended by the admin: the count falls to 0 past both thresholds, the higher first.
    const sessions = (await (await studio().api('/api/sessions?stream=live%2Fcrowd')).json()) as ViewerSession[];
    expect(sessions).toHaveLength(2);
    for (const s of sessions) expect((await studio().api(`/api/sessions/${s.id}`, { method: 'DELETE' })).status).toBe(204);
    await until('both thresholds down', async () => got.filter((g) => g.data.direction === 'down').length === 2);

    const expected = [
      { type: 'viewers.threshold', stream: 'live/crowd', data: { viewers: 1, threshold: 1, direction: 'up' } },
      { type: 'viewers.threshold', stream: 'live/crowd', data: { viewers: 2, threshold: 2, direction: 'up' } },
      { type: 'viewers.threshold', stream: 'live/crowd', data: { viewers: 0, threshold: 2, direction: 'down' } },
      { type: 'viewers.threshold', stream: 'live/crowd', data: { viewers: 0, threshold: 1, direction: 'down' } },
    ];
    expect(got.map(({ signed, ...rest }) => (expect(signed).toBe(true), rest))).toEqual(expected);
    // The WebSocket: the studio event, and the same in the webhook's form (with no echo of its own).
    await until('the webhook frames', async () => webhookFrames(frames, 'viewers.threshold').length === 4);
    expect(webhookFrames(frames, 'viewers.threshold')).toEqual(expected);
    expect(frames.filter((f) => f.type === 'viewers_threshold').map((f) => f.data)).toEqual(expected.map((e) => ({ stream: e.stream, ...e.data })));
    // Events no hook asked for still reach the WebSocket in webhook form.
    expect(webhookFrames(frames, 'stream.published')).toEqual([{ type: 'stream.published', stream: 'live/crowd', data: { protocol: 'rtmp', remoteAddress: '127.0.0.1' } }]);
    // One webhook_event per event a hook could get, none for a webhook_event itself (no loop).
    await until('a webhook_event per mapped event', async () => frames.filter((f) => f.type === 'webhook_event').length === frames.filter((f) => webhookEvent(f) !== null).length);
    expect(frames.filter((f) => f.type === 'webhook_event').map((f) => f.type === 'webhook_event' && f.data)).toEqual(frames.flatMap((f) => webhookEvent(f) ?? []));
  }, 15_000);

  it('tells when a mix starts producing and when it stops', async () => {
    const got = await hook(['mix.started', 'mix.stopped']);
    const frames = await eventsSocket();
    // A box whose source is not live: the mix runs on its background.
    const created = await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ name: 'live/show', width: 320, height: 180, fps: 10, inputs: [{ source: 'live/nobody', x: 0, y: 0, w: 160, h: 90 }] }) });
    expect(created.status, await created.clone().text()).toBe(201);
    await until('mix.started', async () => got.some((g) => g.type === 'mix.started'));
    expect((await studio().api('/api/mixes/live%2Fshow', { method: 'DELETE' })).status).toBe(204);
    await until('mix.stopped', async () => got.some((g) => g.type === 'mix.stopped'));

    expect(got.every((g) => g.signed)).toBe(true);
    const encoder = got[0]!.data.encoder;
    expect(typeof encoder).toBe('string');
    expect(got.map(({ type, stream, data }) => ({ type, stream, data }))).toEqual([
      { type: 'mix.started', stream: 'live/show', data: { encoder } },
      { type: 'mix.stopped', stream: 'live/show', data: { reason: 'the mix was deleted' } },
    ]);
    await until('the webhook frames', async () => webhookFrames(frames, 'mix.stopped').length === 1);
    expect(frames.filter((f) => f.type === 'mix_started' || f.type === 'mix_stopped').map((f) => [f.type, f.data])).toEqual([
      ['mix_started', { name: 'live/show', encoder }],
      ['mix_stopped', { name: 'live/show', reason: 'the mix was deleted' }],
    ]);
    expect(webhookFrames(frames, 'mix.started')).toEqual([{ type: 'mix.started', stream: 'live/show', data: { encoder } }]);
  }, 15_000);
});
