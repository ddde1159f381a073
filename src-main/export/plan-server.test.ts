// The job-private server that hands recordings to a render's ffmpeg: only its own paths,
// only GET/HEAD, byte ranges as a seeking demuxer asks for them, and gone when closed.
import type { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { servePlans, type PlanServer } from './plan-server.js';

const body = Buffer.from('0123456789abcdef');
const plan = {
  size: body.length,
  write: async (out: Writable, range?: { start: number; end: number }) => {
    out.write(range ? body.subarray(range.start, range.end + 1) : body);
  },
};

let server: PlanServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('plan server', () => {
  it('serves its plans whole and by range, and nothing else', async () => {
    server = await servePlans([plan]);
    const [url] = server.urls;
    expect(new URL(url!).hostname).toBe('127.0.0.1');
    const whole = await fetch(url!);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).toString()).toBe('0123456789abcdef');
    const part = await fetch(url!, { headers: { range: 'bytes=4-7' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4-7/16');
    expect(await part.text()).toBe('4567');
    expect((await fetch(url!, { headers: { range: 'bytes=99-' } })).status).toBe(416);
    // Another secret, another plan number, another method, a path walk: nothing.
    const wrong = url!.replace(/\/[0-9a-f]{32}\//, `/${'0'.repeat(32)}/`);
    expect((await fetch(wrong)).status).toBe(404);
    expect((await fetch(url!.replace('/0.mp4', '/1.mp4'))).status).toBe(404);
    expect((await fetch(url!, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(url!.replace(/\/[0-9a-f]{32}\/0\.mp4$/, '/../../etc/passwd'))).status).toBe(404);
    await server.close();
    server = null;
    await expect(fetch(url!)).rejects.toThrow();
  });

  it('stops writing when the reader hangs up mid-body', async () => {
    let stopped = false;
    const endless = {
      size: 1 << 30,
      write: (out: Writable) =>
        new Promise<void>((_resolve, reject) => {
          const chunk = Buffer.alloc(1 << 16);
          const pump = () => {
            while (out.write(chunk));
          };
          out.on('drain', pump);
          out.on('close', () => {
            stopped = true;
            reject(new Error('closed'));
          });
          pump();
        }),
    };
    server = await servePlans([endless]);
    const controller = new AbortController();
    const response = await fetch(server.urls[0]!, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => stopped, { timeout: 5000 }).toBe(true);
  });
});
