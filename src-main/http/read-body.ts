// A small request body read whole (SDP offers, trickle fragments), never past its bound.
import type { FastifyRequest } from 'fastify';
import { Problem } from '../contract/problem.js';

/** The request body as text, refused (413) past `limit` bytes whatever Content-Length says. */
export async function readBoundedBody(request: FastifyRequest, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new Problem('too-large', 'Body too large', `at most ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Problem('too-large', 'Body too large', `at most ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
