import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { DvrIndex, type SegmentRecord } from './dvr-index.js';

const tempDir = useTempDir();
const t0 = Date.UTC(2026, 10, 21, 10, 0, 0);

function index() {
  const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
  const dvr = new DvrIndex(db);
  const initId = dvr.initId('live/cam', 'abc', 'live/cam/init/abc.mp4', '[]');
  const seg = (startMs: number, durationMs = 2000, bytes = 500_000): SegmentRecord => ({
    stream: 'live/cam',
    startMs,
    durationMs,
    bytes,
    file: `live/cam/${startMs}.m4s`,
    initId,
    firstKeyframe: true,
    discontinuity: false,
  });
  return { db, dvr, seg, initId };
}

describe('DVR index', () => {
  it('lists recorded streams with their spans, leaving out streams whose segments are all gone', () => {
    const { dvr, seg } = index();
    for (let i = 0; i < 5; i++) dvr.add(seg(t0 + i * 2000));
    dvr.initId('old/cam', 'x', 'old/cam/init/x.mp4', '[]');
    expect(dvr.recordedStreams()).toEqual([{ stream: 'live/cam', firstMs: t0, lastEndMs: t0 + 10_000 }]);
    expect(dvr.span('live/cam')).toEqual({ firstMs: t0, lastEndMs: t0 + 10_000 });
    expect(dvr.span('old/cam')).toBeNull();
    expect(dvr.hasRecording('live/cam')).toBe(true);
    expect(dvr.hasRecording('old/cam')).toBe(false);
  });

  it('finds the streams archived one level under a name (its recorded renditions), and nothing beside or below', () => {
    const { dvr } = index();
    for (const name of ['live/cam/720p', 'live/cam/240p', 'live/cam/720p/x', 'live/cam2/720p', 'live/camera', 'live/cam']) dvr.initId(name, 'h', `${name}/init.mp4`, '[]');
    expect(dvr.childStreams('live/cam')).toEqual(['live/cam/240p', 'live/cam/720p']);
    expect(dvr.childStreams('live/cam/720p')).toEqual(['live/cam/720p/x']);
    expect(dvr.childStreams('live/nothing')).toEqual([]);
  });

  it('measures a range for a variant: average and fastest segment, and the newest init', () => {
    const { dvr, seg, initId } = index();
    dvr.add(seg(t0, 2000, 250_000));
    dvr.add(seg(t0 + 2000, 2000, 750_000));
    dvr.add({ ...seg(t0 + 4000, 2000, 250_000), initId: dvr.initId('live/cam', 'def', 'y', '[]') });
    expect(dvr.rates('live/cam', t0, t0 + 4000)).toEqual({ averageBps: 2_000_000, peakBps: 3_000_000, newestInitId: initId });
    expect(dvr.rates('live/cam', t0, t0 + 6000)?.newestInitId).not.toBe(initId);
    expect(dvr.rates('live/cam', t0 + 6000, t0 + 60_000)).toBeNull();
  });

  it('registers each init once per stream and configuration', () => {
    const { dvr, initId } = index();
    expect(dvr.initId('live/cam', 'abc', 'x', '[]')).toBe(initId);
    expect(dvr.initId('live/cam', 'def', 'y', '[]')).not.toBe(initId);
    expect(dvr.initFile(initId)).toBe('live/cam/init/abc.mp4');
  });

  it('answers overlapping segments, ranges with gaps, and clips ranges to the window', () => {
    const { dvr, seg } = index();
    for (let i = 0; i < 30; i++) dvr.add(seg(t0 + i * 2000)); // 60 s
    for (let i = 0; i < 10; i++) dvr.add(seg(t0 + 70_000 + i * 2000)); // 10 s gap, then 20 s
    expect(dvr.segments('live/cam', t0 + 1000, t0 + 5000).map((s) => s.startMs - t0)).toEqual([0, 2000, 4000]);
    expect(dvr.ranges('live/cam', t0 - 60_000, t0 + 600_000)).toEqual([
      { fromMs: t0, durationMs: 60_000 },
      { fromMs: t0 + 70_000, durationMs: 20_000 },
    ]);
    expect(dvr.ranges('live/cam', t0 + 30_000, t0 + 80_000)).toEqual([
      { fromMs: t0 + 30_000, durationMs: 30_000 },
      { fromMs: t0 + 70_000, durationMs: 10_000 },
    ]);
    expect(dvr.ranges('live/cam', t0 + 61_000, t0 + 69_000)).toEqual([]);
    expect(dvr.ranges('other', t0, t0 + 100_000)).toEqual([]);
  });

  it('summarises coverage per step from the minute rollup and from segments alike', () => {
    const { dvr, seg } = index();
    for (let i = 0; i < 45; i++) dvr.add(seg(t0 + 30_000 + i * 2000)); // 10:00:30 → 10:02:00
    const byMinute = dvr.summary('live/cam', t0, t0 + 180_000, 60_000);
    expect(byMinute.map((b) => b.coverage)).toEqual([0.5, 1, 0]);
    expect(byMinute[1]!.bytes).toBe(30 * 500_000);
    const fine = dvr.summary('live/cam', t0 + 20_000, t0 + 50_000, 10_000);
    expect(fine.map((b) => b.coverage)).toEqual([0, 1, 1]);
    // Removing keeps the rollup right.
    dvr.remove(dvr.segments('live/cam', t0 + 60_000, t0 + 120_000));
    expect(dvr.summary('live/cam', t0, t0 + 180_000, 60_000).map((b) => b.coverage)).toEqual([0.5, 0, 0]);
    expect(dvr.totals('live/cam')).toMatchObject({ segments: 15, bytes: 15 * 500_000, firstMs: t0 + 30_000, lastEndMs: t0 + 60_000 });
  });

  it('splits a segment that crosses a minute boundary between both minutes', () => {
    const { dvr, seg } = index();
    dvr.add(seg(t0 + 59_000, 2000, 1000));
    expect(dvr.summary('live/cam', t0, t0 + 120_000, 60_000)).toEqual([
      { fromMs: t0, coverage: 0.017, bytes: 500 },
      { fromMs: t0 + 60_000, coverage: 0.017, bytes: 500 },
    ]);
    expect(dvr.oldest(5).map((s) => s.startMs)).toEqual([t0 + 59_000]);
  });
});
