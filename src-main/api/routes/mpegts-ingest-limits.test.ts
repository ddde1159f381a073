// A refused or stalled MPEG-TS publisher must not keep its HTTP connection open.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ ingestIdleSeconds: 2 });

/** Null TS packets: valid to the demuxer, carrying nothing. */
const nullPackets = (n: number) => {
  const out = Buffer.alloc(188 * n, 0xff);
  for (let i = 0; i < n; i++) out.set([0x47, 0x1f, 0xff, 0x10], i * 188);
  return out;
};

/** A chunked POST whose body never ends unless the server ends the connection. */
function endlessUpload(path: string, everyMs: number | null) {
  const port = Number(new URL(studio().urls.http).port);
  const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'video/mp2t', 'transfer-encoding': 'chunked' } });
  request.on('error', () => undefined);
  const response = new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
  const closed = new Promise<number>((resolve) => request.once('close', () => resolve(Date.now())));
  request.write(nullPackets(10));
  const timer = everyMs === null ? null : setInterval(() => request.destroyed || request.write(nullPackets(10)), everyMs);
  void closed.then(() => timer && clearInterval(timer));
  return { request, response, closed, stop: () => (timer && clearInterval(timer), request.destroy()) };
}

describe('MPEG-TS over HTTP: connections that must end', () => {
  it('answers a refused publisher and closes its connection while it is still sending', async () => {
    const upload = endlessUpload('/other/x/mpegts', 50);
    try {
      const response = await upload.response;
      expect(response.statusCode).toBe(403);
      expect(response.headers.connection).toBe('close');
      const started = Date.now();
      const closedAt = await Promise.race([upload.closed, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 5000))]);
      expect(closedAt - started).toBeLessThan(3000); // NaN (still open after 5 s) fails too
    } finally {
      upload.stop();
    }
  });

  it('cuts a publisher that stalls after ingestIdleSeconds', async () => {
    const upload = endlessUpload('/live/stalled/mpegts', null);
    try {
      await until('the stream to start', async () => (await studio().stream('live/stalled'))?.state === 'publishing');
      const silentFrom = Date.now();
      const closedAt = await upload.closed;
      expect(closedAt - silentFrom).toBeGreaterThanOrEqual(1500);
      expect(closedAt - silentFrom).toBeLessThan(5000);
      const lost = await until('the stream to end', async () => studio().events.find((e) => e.type === 'source_lost' && e.data.name === 'live/stalled'));
      expect(lost.type === 'source_lost' && lost.data.reason).toMatch(/no data for 2 s \(setting ingestIdleSeconds/);
    } finally {
      upload.stop();
    }
  });
});
