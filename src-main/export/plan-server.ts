// Recordings handed to a job's own ffmpeg without a copy: each export plan (a lossless
// MP4 of a recorded range, built from the archive's tables) is served by a small HTTP
// server private to the job, on loopback, at a path with 128 random bits in it. ffmpeg
// reads it as a seekable file (Range), so its MP4 demuxer takes samples in time order
// across the tracks, as it does from a disk; a pipe would hand them over in file order,
// with seconds of one track before the other. The server lives as long as the job.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRange } from '../net/byte-range.js';
import type { Mp4ExportPlan } from './mp4-export.js';

export interface PlanServer {
  /** The URL of plans[i], for ffmpeg's -i. */
  urls: string[];
  close(): Promise<void>;
}

/** Plans served at once by one job's server: more is a bug in the caller. */
const maxPlans = 256;

export async function servePlans(plans: readonly Pick<Mp4ExportPlan, 'size' | 'write'>[]): Promise<PlanServer> {
  if (plans.length > maxPlans) throw new Error(`${plans.length} recordings to serve; at most ${maxPlans}`);
  const secret = crypto.randomBytes(16).toString('hex');
  const server = http.createServer((request, response) => {
    const match = /^\/([0-9a-f]{32})\/(\d{1,3})\.mp4$/.exec(request.url ?? '');
    const plan = match && match[1] === secret ? plans[Number(match[2])] : undefined;
    if (!plan || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404).end();
      return;
    }
    const range = parseRange(request.headers.range, plan.size);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { 'content-range': `bytes */${plan.size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: plan.size - 1 };
    response.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${plan.size}` } : {}),
    });
    if (request.method === 'HEAD' || plan.size === 0) {
      response.end();
      return;
    }
    // ffmpeg seeks by closing a connection mid-body: the write stops with it.
    plan.write(response, { start, end }).then(
      () => response.end(),
      () => response.destroy(),
    );
  });
  // Only the job's ffmpeg talks to it: a slow or stuck one is not waited for past this.
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    urls: plans.map((_, i) => `http://127.0.0.1:${port}/${secret}/${i}.mp4`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
