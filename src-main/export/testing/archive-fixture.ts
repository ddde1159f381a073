// Test and bench only: a real DVR archive, recorded by the studio's SegmentRecorder from
// frames that ffmpeg encoded (demuxed by our TsDemuxer), with UTC times chosen by the
// caller. Not imported by product code.
import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { openDatabase, type StudioDatabase } from '../../db/index.js';
import { ArchiveStore } from '../../dvr/archive-store.js';
import { DvrIndex } from '../../dvr/dvr-index.js';
import { SegmentRecorder } from '../../dvr/segment-recorder.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import type { Frame, Track } from '../../media/index.js';
import { ffmpeg } from '../../test-support/ffmpeg-tools.js';

export interface EncodedSource {
  tracks: readonly Track[];
  frames: Frame[];
  file: string;
}

/** ffmpeg encodes `args` (inputs and codec options) to MPEG-TS; our demuxer takes it apart. */
export async function encodeSource(file: string, args: string[]): Promise<EncodedSource> {
  await ffmpeg([...args, '-f', 'mpegts', file]);
  return demuxSource(file);
}

/** An MPEG-TS file as our TsDemuxer reads it. */
export async function demuxSource(file: string): Promise<EncodedSource> {
  let tracks: readonly Track[] = [];
  const frames: Frame[] = [];
  const demuxer = new TsDemuxer({ onTracks: (t) => (tracks = t), onFrame: (f) => frames.push(f), onError: () => undefined });
  demuxer.push(await fs.readFile(file), 0);
  demuxer.end();
  return { tracks, frames, file };
}

/** The same frames on a 1 ms clock, as RTMP ingest delivers them (timescale 1000). */
export function inMilliseconds(source: EncodedSource): EncodedSource {
  const scale = new Map(source.tracks.map((t) => [t.id, t.timescale]));
  const ms = (ticks: number, id: number) => Math.round((ticks * 1000) / scale.get(id)!);
  return {
    file: source.file,
    tracks: source.tracks.map((t) => ({ ...t, timescale: 1000 })),
    frames: source.frames.map((f) => ({ ...f, dts: ms(f.dts, f.trackId), pts: ms(f.pts, f.trackId) })),
  };
}

export interface Archive {
  db: StudioDatabase;
  store: ArchiveStore;
  index: DvrIndex;
  /** <dir>/dvr: tests look at the files behind the store's back. */
  root: string;
  close(): void;
}

export async function openArchive(dir: string): Promise<Archive> {
  await fs.mkdir(dir, { recursive: true });
  const db = openDatabase(path.join(dir, 'framehouse.db'));
  const index = new DvrIndex(db);
  const root = path.join(dir, 'dvr');
  return { db, store: new ArchiveStore({ root, index }), index, root, close: () => db.close() };
}

/**
 * Records `frames` as one publishing session of `stream` whose first frame arrives at
 * `startMs` (UTC): what the studio's recorder writes for a publisher, segment by segment.
 */
export async function record(archive: Archive, stream: string, source: Pick<EncodedSource, 'tracks' | 'frames'>, startMs: number, segmentMs = 2000): Promise<void> {
  const recorder = new SegmentRecorder({
    stream,
    archive: archive.store,
    log: pino({ level: 'silent' }),
    targetMs: () => segmentMs,
    allowed: () => true,
    onSegment: () => undefined,
    onError: (reason) => {
      throw new Error(reason);
    },
  });
  const clock = source.tracks.find((t) => t.kind === 'video') ?? source.tracks[0]!;
  const first = source.frames.find((f) => f.trackId === clock.id)!;
  recorder.onTracks(source.tracks);
  for (const frame of source.frames) {
    const track = source.tracks.find((t) => t.id === frame.trackId)!;
    const arrivedAt = startMs + ((frame.dts / track.timescale - first.dts / clock.timescale) * 1000);
    recorder.onFrame({ ...frame, arrivedAt });
  }
  recorder.onSourceEnd();
  await recorder.flush();
}
