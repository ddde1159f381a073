// A segment's sample tables as one SQLite BLOB (dvr_sample_tables.tables), so an export
// plans an hour from one query instead of 1 800 file heads. Packed little-endian, per
// track; columns that say nothing are left out (a constant duration, composition offsets
// of zero, all keyframes, samples stored back to back), which makes an audio sample
// 4 bytes and a video one 4 to 13:
//
//   u8 format (1), u8 track count, then per track:
//     u32 track id, f64 base decode time, u32 sample count, u8 layout flags, f64 first offset,
//     u32 duration (constant) or u32[count] durations,
//     u32[count] sizes,
//     i32[count] composition offsets  unless all zero,
//     u8[count] sync flags            unless all sync,
//     f64[count] offsets              unless back to back from the first offset.
import type { MediaSegment } from '../formats/fmp4/index.js';
import { SampleStore, type SegmentTables, type TrackRun } from '../formats/fmp4/segment-tables.js';
import type { Frame, Track } from '../media/index.js';

const format = 1;
const Layout = { constantDuration: 1, compositionOffsets: 2, allSync: 4, contiguous: 8 } as const;
const trackHeaderBytes = 4 + 8 + 4 + 1 + 8;

/** Thrown for a BLOB that is not one of ours (a damaged row): the store reads the file again instead. */
export class SampleTablesBlobError extends Error {
  override name = 'SampleTablesBlobError';
}

/** Packs the runs' rows of `store` (one segment's tables). */
export function encodeSampleTables(store: SampleStore, runs: readonly TrackRun[]): Uint8Array {
  const layouts = runs.map((run) => layoutOf(store, run));
  let size = 2;
  runs.forEach((run, i) => {
    const flags = layouts[i]!;
    const n = run.count;
    size += trackHeaderBytes + (flags & Layout.constantDuration ? 4 : 4 * n) + 4 * n;
    if (flags & Layout.compositionOffsets) size += 4 * n;
    if (!(flags & Layout.allSync)) size += n;
    if (!(flags & Layout.contiguous)) size += 8 * n;
  });
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, format);
  view.setUint8(1, runs.length);
  let at = 2;
  runs.forEach((run, i) => {
    const flags = layouts[i]!;
    const { start, count } = run;
    const end = start + count;
    view.setUint32(at, run.trackId, true);
    view.setFloat64(at + 4, run.baseDecodeTime, true);
    view.setUint32(at + 12, count, true);
    view.setUint8(at + 16, flags);
    view.setFloat64(at + 17, count > 0 ? store.offsets[start]! : 0, true);
    at += trackHeaderBytes;
    if (flags & Layout.constantDuration) {
      view.setUint32(at, count > 0 ? store.durations[start]! : 0, true);
      at += 4;
    } else for (let k = start; k < end; k++, at += 4) view.setUint32(at, store.durations[k]!, true);
    for (let k = start; k < end; k++, at += 4) view.setUint32(at, store.sizes[k]!, true);
    if (flags & Layout.compositionOffsets) for (let k = start; k < end; k++, at += 4) view.setInt32(at, store.compositionOffsets[k]!, true);
    if (!(flags & Layout.allSync)) for (let k = start; k < end; k++, at += 1) view.setUint8(at, store.sync[k]!);
    if (!(flags & Layout.contiguous)) for (let k = start; k < end; k++, at += 8) view.setFloat64(at, store.offsets[k]!, true);
  });
  return bytes;
}

function layoutOf(store: SampleStore, run: TrackRun): number {
  const { start, count } = run;
  let flags = Layout.constantDuration | Layout.allSync | Layout.contiguous;
  for (let k = start; k < start + count; k++) {
    if (store.durations[k] !== store.durations[start]) flags &= ~Layout.constantDuration;
    if (store.compositionOffsets[k] !== 0) flags |= Layout.compositionOffsets;
    if (store.sync[k] !== 1) flags &= ~Layout.allSync;
    if (k > start && store.offsets[k] !== store.offsets[k - 1]! + store.sizes[k - 1]!) flags &= ~Layout.contiguous;
  }
  return flags;
}

/** Unpacks a BLOB into `store` (appending rows) and says where each track's rows are. Nothing is left in the store when it throws. */
export function decodeSampleTables(blob: Uint8Array, store: SampleStore): SegmentTables {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const rollback = store.count;
  const need = (at: number, bytes: number) => {
    if (at + bytes > blob.length) throw new SampleTablesBlobError(`sample tables end at byte ${blob.length}, ${at + bytes} expected`);
  };
  try {
    need(0, 2);
    if (view.getUint8(0) !== format) throw new SampleTablesBlobError(`sample tables of format ${view.getUint8(0)}, not ${format}`);
    const runs: TrackRun[] = [];
    let at = 2;
    for (let t = view.getUint8(1); t > 0; t--) {
      need(at, trackHeaderBytes);
      const count = view.getUint32(at + 12, true);
      const flags = view.getUint8(at + 16);
      const run: TrackRun = { trackId: view.getUint32(at, true), baseDecodeTime: view.getFloat64(at + 4, true), start: store.count, count, duration: 0, hasCompositionOffsets: (flags & Layout.compositionOffsets) !== 0 };
      let offset = view.getFloat64(at + 17, true);
      at += trackHeaderBytes;
      need(at, (flags & Layout.constantDuration ? 4 : 4 * count) + 4 * count + (flags & Layout.compositionOffsets ? 4 * count : 0) + (flags & Layout.allSync ? 0 : count) + (flags & Layout.contiguous ? 0 : 8 * count));
      store.reserve(count);
      const { durations, sizes, offsets, compositionOffsets, sync } = store;
      const start = store.count;
      const end = start + count;
      if (flags & Layout.constantDuration) {
        durations.fill(view.getUint32(at, true), start, end);
        run.duration = durations[start]! * count;
        at += 4;
      } else {
        for (let k = start; k < end; k++, at += 4) run.duration += durations[k] = view.getUint32(at, true);
      }
      for (let k = start; k < end; k++, at += 4) sizes[k] = view.getUint32(at, true);
      if (flags & Layout.compositionOffsets) for (let k = start; k < end; k++, at += 4) compositionOffsets[k] = view.getInt32(at, true);
      else compositionOffsets.fill(0, start, end);
      if (flags & Layout.allSync) sync.fill(1, start, end);
      else for (let k = start; k < end; k++, at += 1) sync[k] = view.getUint8(at);
      if (flags & Layout.contiguous) {
        for (let k = start; k < end; k++) {
          offsets[k] = offset;
          offset += sizes[k]!;
        }
      } else for (let k = start; k < end; k++, at += 8) offsets[k] = view.getFloat64(at, true);
      store.count = end;
      runs.push(run);
    }
    if (at !== blob.length) throw new SampleTablesBlobError(`${blob.length - at} bytes after the sample tables`);
    return { runs };
  } catch (error) {
    store.count = rollback;
    throw error;
  }
}

/**
 * The tables of a segment the recorder has just built, from the frames it put in (no
 * parsing): per track in traf order, each sample's duration (the gap to the next one;
 * the last one's is what the fragment's summary leaves over), size, place in the segment,
 * composition offset and whether it decodes alone (every audio frame does).
 */
export function writtenSampleTables(tracks: readonly Track[], samples: readonly Frame[], written: Pick<MediaSegment, 'payloadOffsets' | 'tracks'>): Uint8Array {
  const store = new SampleStore(samples.length);
  const audio = new Set(tracks.filter((t) => t.kind === 'audio').map((t) => t.id));
  const runs: TrackRun[] = [];
  for (const fragment of written.tracks) {
    const run: TrackRun = { trackId: fragment.trackId, baseDecodeTime: fragment.baseDecodeTime, start: store.count, count: fragment.sampleCount, duration: fragment.duration, hasCompositionOffsets: false };
    store.reserve(fragment.sampleCount);
    let row = store.count;
    let previous: Frame | null = null;
    for (let i = 0; i < samples.length; i++) {
      const frame = samples[i]!;
      if (frame.trackId !== fragment.trackId) continue;
      if (previous) store.durations[row - 1] = frame.dts - previous.dts;
      store.sizes[row] = frame.data.length;
      store.offsets[row] = written.payloadOffsets[i]!;
      store.compositionOffsets[row] = frame.pts - frame.dts;
      store.sync[row] = audio.has(frame.trackId) || frame.keyframe ? 1 : 0;
      if (frame.pts !== frame.dts) run.hasCompositionOffsets = true;
      previous = frame;
      row++;
    }
    if (previous) store.durations[row - 1] = fragment.baseDecodeTime + fragment.duration - previous.dts;
    store.count = row;
    runs.push(run);
  }
  return encodeSampleTables(store, runs);
}
