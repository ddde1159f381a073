import { RtmpTestClient } from '../test-support/rtmp-client.js';
import type { FlvTag } from '../test-support/flv-file.js';

export interface LoadResult {
  streams: number;
  publishedOk: number;
  /** Tags written into a socket that already held more than 1 s of media: the server was not reading fast enough. */
  lateTags: number;
  maxLagMs: number;
  maxBacklogBytes: number;
  /** Audio/video frames written (sequence headers and metadata not counted). */
  framesSent: number;
  failures: string[];
}

/** Coded frames only: AVC/AAC packet type 1 (not sequence headers, not ffmpeg's end-of-sequence tag, not script data). */
const isFrame = (tag: FlvTag) => tag.type !== 18 && tag.body[1] === 1;

/**
 * N publishers replaying one recorded FLV at real time from this one process:
 * the load of N encoders without N encoders. A server that does not keep up
 * shows as socket backlog (TCP backpressure) and late tags.
 */
export async function publishLoad(options: { port: number; app: string; streams: number; seconds: number; tags: FlvTag[]; bytesPerSecond: number }): Promise<LoadResult> {
  const { tags } = options;
  const duration = tags.at(-1)!.timestamp + 33;
  const result: LoadResult = { streams: options.streams, publishedOk: 0, lateTags: 0, maxLagMs: 0, maxBacklogBytes: 0, framesSent: 0, failures: [] };
  const clients: { client: RtmpTestClient; next: number; loop: number; startedAt: number }[] = [];
  // Connect in parallel batches: a real fleet of encoders does not queue up behind one another.
  const connectOne = async (i: number) => {
    try {
      const client = await RtmpTestClient.open(options.port);
      await client.connect(options.app);
      const status = await Promise.race([client.publish(`bench${i}`), new Promise<{ code: string }>((r) => setTimeout(() => r({ code: 'timeout' }), 5000))]);
      if (status.code !== 'NetStream.Publish.Start') throw new Error(status.code);
      clients.push({ client, next: 0, loop: 0, startedAt: 0 });
      result.publishedOk++;
    } catch (err) {
      result.failures.push(`stream ${i}: ${(err as Error).message}`);
    }
  };
  for (let first = 0; first < options.streams; first += 25) {
    await Promise.all(Array.from({ length: Math.min(25, options.streams - first) }, (_, k) => connectOne(first + k)));
  }
  const backlogLimit = options.bytesPerSecond;
  // Clocks start together once everybody is connected, staggered within a second like real encoders.
  const start = performance.now() + 200;
  clients.forEach((c, i) => (c.startedAt = start + ((i * 37) % 1000)));
  const endAt = start + options.seconds * 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      for (const c of clients) {
        if (c.client.socket.destroyed) continue;
        for (;;) {
          const tag = tags[c.next]!;
          const due = c.startedAt + c.loop * duration + tag.timestamp;
          if (due > now) break;
          const lag = now - due;
          result.maxLagMs = Math.max(result.maxLagMs, lag);
          const backlog = c.client.socket.writableLength;
          result.maxBacklogBytes = Math.max(result.maxBacklogBytes, backlog);
          if (backlog > backlogLimit) result.lateTags++;
          c.client.media(tag.type as 8 | 9 | 18, (c.loop * duration + tag.timestamp) >>> 0, tag.body);
          if (isFrame(tag)) result.framesSent++;
          c.next++;
          if (c.next === tags.length) {
            c.next = 0;
            c.loop++;
          }
        }
      }
      if (now >= endAt) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  for (const c of clients) if (c.client.socket.destroyed) result.failures.push('a publisher was disconnected by the server');
  // end(), not destroy(): the last frames still in the socket buffer must reach the server to be counted.
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.client.socket.end(() => resolve());
          setTimeout(resolve, 5000).unref();
        }),
    ),
  );
  return result;
}
