// Sample tables read from segment files: only for segments recorded before the tables
// were kept in SQLite (or whose row was damaged). Each file is read once, its head only,
// and the store keeps what it finds; a recording made since never comes here.
import fs from 'node:fs/promises';
import { Fmp4ParseError, type TrackSampleDefaults } from '../formats/fmp4/index.js';
import { parseSegmentTables, type SampleStore, type SegmentTables } from '../formats/fmp4/segment-tables.js';

/** First read of a segment: the styp and the moof of a 2 s segment of a busy stream (about 700 samples). */
const headBytes = 12 << 10;
/** Reads in flight: a disk that seeks is kept busy, an SSD is not flooded. */
const concurrency = 16;

export interface SegmentHead {
  path: string;
  /** Bytes of the file, as the index says. */
  size: number;
  defaults: ReadonlyMap<number, TrackSampleDefaults>;
}

/**
 * The tables of every file, in order, appended to `store`: an Error in place of a file
 * that is gone (retention) or does not parse; anything else (EACCES, EIO) rejects.
 */
export async function readSegmentHeads(files: readonly SegmentHead[], store: SampleStore, signal?: AbortSignal): Promise<(SegmentTables | Error)[]> {
  const out: (SegmentTables | Error)[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < files.length; k = next++) {
      if (signal?.aborted) throw cancelled(signal);
      try {
        out[k] = await readHead(files[k]!, store);
      } catch (error) {
        if (!(error instanceof Fmp4ParseError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        out[k] = error as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}

async function readHead(file: SegmentHead, store: SampleStore): Promise<SegmentTables> {
  const handle = await fs.open(file.path, 'r');
  try {
    for (let length = Math.min(file.size, headBytes); ; ) {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      if (bytesRead < length) throw new Fmp4ParseError(`the file holds fewer bytes than the index says (${file.size})`);
      const parsed = parseSegmentTables(buffer, file.size, file.defaults, store);
      if ('runs' in parsed) return parsed;
      if (parsed.needBytes <= length) throw new Fmp4ParseError('the segment head could not be read');
      length = parsed.needBytes;
    }
  } finally {
    await handle.close();
  }
}

/** The abort's own reason when it is an Error, as every other step of an export reports it. */
export const cancelled = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the export was cancelled'), { name: 'AbortError' }));
