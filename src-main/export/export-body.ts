// The bytes of an export: a header in memory, then spans of segment files (and, for a
// precise cut, the re-encoded pictures in memory), in order. Any byte range of it maps
// to pieces of those, so a Range request costs no more than its own bytes.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import type { Writable } from 'node:stream';

/** One piece of the body: bytes held in memory, or a span of a file. */
export type BodyPart = { start: number; length: number; bytes: Uint8Array } | { start: number; length: number; file: string; offset: number };

/** Largest single read from a segment file; a 2 s segment at 6 Mbit/s (1.5 MB) is one read. */
const readBytes = 4 << 20;
/** Read buffers per export in flight: one being filled, the others queued in the output. */
const ringSize = 4;
/** Longest the copy keeps the event loop to itself. */
const maxTurnMs = 4;

const open = promisify(fs.open);
const read = promisify(fs.read);
const close = promisify(fs.close);

/** Parts must be in order and tile [0, size) without holes. */
export function checkParts(parts: readonly BodyPart[], size: number): void {
  let at = 0;
  for (const p of parts) {
    if (p.start !== at || p.length < 0) throw new Error(`export body: part at ${p.start} where ${at} was expected`);
    at += p.length;
  }
  if (at !== size) throw new Error(`export body: parts end at ${at}, not ${size}`);
}

/** The index of the part holding byte `at` (parts tile the body in order). */
function partAt(parts: readonly BodyPart[], at: number): number {
  let lo = 0;
  let hi = parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (parts[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Outputs that are done with a chunk's bytes when its write callback runs: files and
 * sockets (an HTTP response writes to its socket). Their read buffers are reused; a
 * PassThrough or any Transform may still hold a chunk after its callback, so other
 * outputs get a fresh buffer per read (correct, a little slower).
 */
function releasesOnCallback(out: Writable): boolean {
  return out instanceof fs.WriteStream || out instanceof net.Socket || out instanceof http.ServerResponse;
}

/** Read buffers handed out and taken back once their bytes are written. */
class BufferRing {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((buffer: Buffer) => void)[] = [];
  private made = 0;

  constructor(
    private readonly count: number,
    private readonly bytes: number,
  ) {}

  take(stopped: Promise<never>): Promise<Buffer> {
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    if (this.made < this.count) {
      this.made++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.bytes));
    }
    return Promise.race([new Promise<Buffer>((resolve) => this.waiting.push(resolve)), stopped]);
  }

  give(buffer: Buffer): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(buffer);
    else this.free.push(buffer);
  }
}

interface Piece {
  data: Uint8Array;
  /** The ring buffer holding the data, to be given back once written. */
  buffer: Buffer | null;
}

/**
 * A read of a segment file slower than this (ms for `bytes`) means the disk, not the page
 * cache, is answering: the rest of the export reads asynchronously. 500 MB/s plus 1 ms.
 */
const slowReadMs = (bytes: number) => 1 + bytes / 500_000;

/**
 * The pieces of bytes [start, end] (inclusive) in order: one big read per file span, one
 * file open at a time. While the files come from the page cache they are read
 * synchronously (a 1.5 MB read takes a fraction of a millisecond, and the output's own
 * writes run on the thread pool meanwhile: about twice the throughput of reading on the
 * thread pool too); once a read is slow enough to be the disk's, reads go to the thread
 * pool so the event loop is never held by a disk.
 */
async function* pieces(parts: readonly BodyPart[], start: number, end: number, ring: BufferRing | null, stopped: Promise<never>): AsyncGenerator<Piece, void, undefined> {
  let fd: number | null = null;
  let openFile: string | null = null;
  let warm = true;
  const release = async () => {
    if (fd === null) return;
    const closing = fd;
    fd = null;
    openFile = null;
    if (warm) fs.closeSync(closing);
    else await close(closing);
  };
  try {
    for (let i = partAt(parts, start); i < parts.length && parts[i]!.start <= end; i++) {
      const part = parts[i]!;
      const from = Math.max(start, part.start) - part.start;
      const to = Math.min(end + 1, part.start + part.length) - part.start;
      if (to <= from) continue;
      if ('bytes' in part) {
        yield { data: part.bytes.subarray(from, to), buffer: null };
        continue;
      }
      if (openFile !== part.file) {
        await release();
        fd = warm ? fs.openSync(part.file, 'r') : await open(part.file, 'r');
        openFile = part.file;
      }
      const handle = fd!;
      for (let at = from; at < to; ) {
        const length = Math.min(readBytes, to - at);
        const buffer = ring ? await ring.take(stopped) : Buffer.allocUnsafe(length);
        let got = 0;
        try {
          const started = performance.now();
          while (got < length) {
            const position = part.offset + at + got;
            const bytesRead = warm ? fs.readSync(handle, buffer, got, length - got, position) : (await read(handle, buffer, got, length - got, position)).bytesRead;
            if (bytesRead === 0) throw new Error(`${part.file} is shorter than the archive index says (deleted or cut while exporting?)`);
            got += bytesRead;
          }
          if (warm && performance.now() - started > slowReadMs(length)) warm = false;
        } catch (error) {
          if (ring) ring.give(buffer);
          throw error;
        }
        at += length;
        yield { data: buffer.subarray(0, length), buffer: ring ? buffer : null };
      }
    }
  } finally {
    await release();
  }
}

const abortError = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the export was cancelled'), { name: 'AbortError' }));
const closedEarly = () => new Error('the output closed before the export was written');

/**
 * Writes bytes [range.start, range.end] (inclusive; the whole body without a range) of
 * the body to `out`, honouring backpressure; the next read runs while the previous
 * piece is being written. `out` is not ended. onProgress gets the bytes written so far.
 */
export async function writeBody(parts: readonly BodyPart[], size: number, out: Writable, range?: { start: number; end: number }, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<void> {
  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? size - 1, size - 1);
  if (start < 0 || start > end + 1) throw new RangeError(`export range ${start}-${end} is outside 0-${size - 1}`);
  if (size === 0 || start > end) return;
  if (signal?.aborted) throw abortError(signal);

  // Settles (rejects) when the output goes away or the signal aborts: every wait below races it.
  let stop: (error: Error) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
  stopped.catch(() => undefined);
  const onClose = () => stop(closedEarly());
  const onError = (error: Error) => stop(error);
  const onAbort = () => stop(abortError(signal!));
  out.on('close', onClose);
  out.on('error', onError);
  signal?.addEventListener('abort', onAbort, { once: true });

  const ring = releasesOnCallback(out) ? new BufferRing(ringSize, readBytes) : null;
  const source = pieces(parts, start, end, ring, stopped);
  let written = 0;
  let turn = performance.now();
  try {
    let next = source.next();
    for (;;) {
      const piece = await Promise.race([next, stopped]);
      if (piece.done) break;
      if (out.destroyed || out.writableEnded) throw closedEarly();
      // Read ahead while this piece is written (a failing read is awaited, and thrown, on the next turn).
      next = source.next();
      next.catch(() => undefined);
      const buffer = piece.value.buffer;
      const more = out.write(piece.value.data, buffer ? () => ring!.give(buffer) : undefined);
      written += piece.value.data.length;
      onProgress?.(written);
      // With reused buffers the ring is the backpressure (at most ringSize pieces queued in the output);
      // waiting for 'drain' as well would let the output run dry before every read.
      if (!more && !ring) await Promise.race([new Promise<void>((resolve) => out.once('drain', resolve)), stopped]);
      // Reads from the page cache never wait: let the event loop have a turn every few milliseconds.
      if (performance.now() - turn > maxTurnMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turn = performance.now();
      }
    }
  } finally {
    out.off('close', onClose);
    out.off('error', onError);
    signal?.removeEventListener('abort', onAbort);
    await source.return().catch(() => undefined);
  }
}
