import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../db/index.js';
import { ArchiveStore } from '../dvr/archive-store.js';
import { DvrIndex, type SegmentRecord } from '../dvr/dvr-index.js';
import { SegmentRecorder } from '../dvr/segment-recorder.js';
import type { Frame, Track } from '../media/index.js';
import { probe } from '../formats/fmp4/testing/sources.js';

export interface RecordedSegment {
  record: SegmentRecord;
  /** The .m4s as the recorder wrote it to disk. */
  bytes: Uint8Array;
  /** init + this segment, for ffprobe and ffmpeg. */
  file: string;
  /** The frames the segment holds, in the order they reached the recorder. */
  samples: Frame[];
}

export interface Recording {
  /** The init segment the recorder wrote. */
  init: Uint8Array;
  segments: RecordedSegment[];
  /** Frames the recorder kept, in arrival order: all of `frames` from the first keyframe of the clock (video) track on. */
  kept: Frame[];
  /** Frames before that keyframe: a segment must start on one, and what comes before decodes with nothing. */
  dropped: Frame[];
  /** init + every segment: the recording as a player gets it. */
  file: string;
}

/**
 * Records `frames` with the DVR's own SegmentRecorder (the code that cuts the archive,
 * not a copy of its rule) into `dir`, as if they arrived live: each frame arrives when
 * its decode time says, so the recorder's clock never sees a jump.
 *
 * Which frames went into which segment is read back with ffprobe (packets per stream in
 * init + segment), an outside reader, so tests of our own fMP4 readers never check them
 * against themselves.
 */
export async function recordWithSegmentRecorder(dir: string, tracks: readonly Track[], frames: readonly Frame[], targetMs: number): Promise<Recording> {
  const root = path.join(dir, 'dvr');
  const stream = 'test/recorded';
  const db = openDatabase(path.join(dir, 'recording.db'));
  const records: SegmentRecord[] = [];
  const errors: string[] = [];
  try {
    const recorder = new SegmentRecorder({
      stream,
      archive: new ArchiveStore({ root, index: new DvrIndex(db) }),
      log: pino({ level: 'silent' }),
      targetMs: () => targetMs,
      allowed: () => true,
      onSegment: (segment) => records.push(segment),
      onError: (reason) => errors.push(reason),
    });
    const startedAt = Date.UTC(2026, 0, 1);
    const firstDts = new Map<number, number>();
    recorder.onTracks(tracks);
    for (const frame of frames) {
      const track = tracks.find((t) => t.id === frame.trackId)!;
      const first = firstDts.get(track.id) ?? frame.dts;
      firstDts.set(track.id, first);
      recorder.onFrame({ ...frame, arrivedAt: startedAt + ((frame.dts - first) * 1000) / track.timescale });
    }
    recorder.onSourceEnd();
    await recorder.flush();
  } finally {
    db.close();
  }
  if (errors.length > 0) throw new Error(`the recorder reported: ${errors.join('; ')}`);

  const initDir = path.join(root, stream, 'init');
  const inits = await fs.readdir(initDir);
  if (inits.length !== 1) throw new Error(`expected one init segment, found ${inits.join(', ')}`);
  const init = new Uint8Array(await fs.readFile(path.join(initDir, inits[0]!)));

  const clock = tracks.find((t) => t.kind === 'video') ?? tracks[0]!;
  const firstKey = frames.findIndex((f) => f.trackId === clock.id && f.keyframe);
  if (firstKey < 0) throw new Error('no keyframe to start a segment on');
  const kept = frames.slice(firstKey);
  const dropped = frames.slice(0, firstKey);

  // Each track's frames in arrival order; a segment takes the next `count` of each.
  const queues = new Map(tracks.map((t) => [t.id, kept.filter((f) => f.trackId === t.id)]));
  const taken = new Map(tracks.map((t) => [t.id, 0]));
  const segments: RecordedSegment[] = [];
  for (const [k, record] of records.entries()) {
    const bytes = new Uint8Array(await fs.readFile(path.join(root, record.file)));
    const file = path.join(dir, `init-and-segment-${k}.mp4`);
    await fs.writeFile(file, Buffer.concat([init, bytes]));
    const probed = await probe(file, { containerOnly: true });
    const mine = new Set<Frame>();
    tracks.forEach((track, streamIndex) => {
      const count = probed.packets.filter((p) => p.stream_index === streamIndex).length;
      const from = taken.get(track.id)!;
      for (const f of queues.get(track.id)!.slice(from, from + count)) mine.add(f);
      taken.set(track.id, from + count);
    });
    segments.push({ record, bytes, file, samples: kept.filter((f) => mine.has(f)) });
  }
  const file = path.join(dir, 'recording.mp4');
  await fs.writeFile(file, Buffer.concat([init, ...segments.map((s) => s.bytes)]));
  return { init, segments, kept, dropped, file };
}
