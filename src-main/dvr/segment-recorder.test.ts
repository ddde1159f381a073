import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { useTempDir } from '../test-support/temp-dir.js';
import type { Frame, Track } from '../media/index.js';
import { buildAvcC } from '../media/codecs/index.js';
import { ArchiveStore } from './archive-store.js';
import { DvrIndex, type SegmentRecord } from './dvr-index.js';
import { SegmentRecorder, type ArchiveGap } from './segment-recorder.js';

const tempDir = useTempDir();
// SPS and PPS of a real x264 encode (640x360 Constrained Baseline 3.0): the init writer parses them.
const avcc = buildAvcC([Buffer.from('6742c01eda0280bfe5c044000003000400000300c83c58ba80', 'hex')], [Buffer.from('68ce0fc8', 'hex')]);
const video: Track = { kind: 'video', id: 0, codec: 'h264', timescale: 1000, config: avcc, width: 640, height: 360, profile: 'Constrained Baseline', level: '3.0', declaredFps: 25 };
const t0 = Date.UTC(2026, 10, 21, 9);

function frame(i: number, arrivedAt = t0 + i * 40): Frame {
  // One IDR NAL per keyframe (every 25 frames), a non-IDR slice otherwise, with a 4-byte length.
  const key = i % 25 === 0;
  return { trackId: 0, dts: i * 40, pts: i * 40, keyframe: key, data: Uint8Array.from([0, 0, 0, 2, key ? 0x65 : 0x41, 0x88]), arrivedAt };
}

async function recorder() {
  const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
  const index = new DvrIndex(db);
  const segments: SegmentRecord[] = [];
  const rec = new SegmentRecorder({
    stream: 'cams/t',
    archive: new ArchiveStore({ root: path.join(tempDir(), 'dvr'), index }),
    log: pino({ level: 'silent' }),
    targetMs: () => 2000,
    allowed: () => true,
    onSegment: (s) => segments.push(s),
    onError: (reason) => {
      throw new Error(reason);
    },
  });
  return { rec, segments, index };
}

describe('segment recorder', () => {
  it('cuts on the first keyframe after the target and maps media time to contiguous UTC', async () => {
    const { rec, segments } = await recorder();
    rec.onTracks([video]);
    for (let i = 0; i < 160; i++) rec.onFrame(frame(i));
    await rec.flush();
    expect(segments.map((s) => [s.startMs - t0, s.durationMs])).toEqual([
      [0, 2000],
      [2000, 2000],
      [4000, 2000],
      [6000, 400],
    ]);
    expect(segments.map((s) => s.discontinuity)).toEqual([true, false, false, false]);
    const files = await fs.readdir(path.join(tempDir(), 'dvr', 'cams/t/2026/11/21/09'));
    expect(files.sort()).toEqual(segments.map((s) => path.basename(s.file)).sort());
  });

  it('turns a silence whose timestamps ran on into a gap, not a squeeze', async () => {
    const { rec, segments } = await recorder();
    rec.onTracks([video]);
    for (let i = 0; i < 50; i++) rec.onFrame(frame(i));
    // 10 s of silence, then the source carries on with its timestamps where they were.
    for (let i = 50; i < 150; i++) rec.onFrame(frame(i, t0 + 10_000 + i * 40));
    await rec.flush();
    const gapStart = segments.find((s) => s.discontinuity && s.startMs > t0);
    expect(gapStart?.startMs).toBe(t0 + 10_000 + 50 * 40);
    const before = segments.filter((s) => s.startMs < gapStart!.startMs);
    expect(before.at(-1)!.startMs + before.at(-1)!.durationMs).toBe(t0 + 2000);
  });

  describe('gaps in the archive', () => {
    /** A recorder whose holes and errors are collected; `allowed` and `onError` as the test needs. */
    function gapRecorder(o: { allowed?: () => boolean; onError?: (reason: string) => void } = {}) {
      const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
      const segments: SegmentRecord[] = [];
      const gaps: ArchiveGap[] = [];
      const errors: string[] = [];
      const rec = new SegmentRecorder({
        stream: 'cams/t',
        archive: new ArchiveStore({ root: path.join(tempDir(), 'dvr'), index: new DvrIndex(db) }),
        log: pino({ level: 'silent' }),
        targetMs: () => 2000,
        allowed: o.allowed ?? (() => true),
        onSegment: (segment) => segments.push(segment),
        onError: (reason) => {
          errors.push(reason);
          o.onError?.(reason);
        },
        onGap: (gap) => gaps.push(gap),
      });
      return { rec, segments, gaps, errors };
    }

    it('tells of the hole a silence leaves, once, and never of a session\'s first segment', async () => {
      const { rec, segments, gaps } = gapRecorder();
      rec.onTracks([video]);
      for (let i = 0; i < 50; i++) rec.onFrame(frame(i));
      for (let i = 50; i < 150; i++) rec.onFrame(frame(i, t0 + 10_000 + i * 40));
      await rec.flush();
      expect(segments[0]!.discontinuity).toBe(true);
      expect(gaps).toEqual([{ fromMs: t0 + 2000, toMs: t0 + 12_000, reason: 'the source sent nothing for a while' }]);
      // A new session (new tracks) starts afresh: its first segment is no hole.
      rec.onTracks([video]);
      for (let i = 0; i < 60; i++) rec.onFrame(frame(i, t0 + 60_000 + i * 40));
      await rec.flush();
      expect(gaps).toHaveLength(1);
    });

    it('tells of the time recording was paused for disk space', async () => {
      let allowed = true;
      const { rec, segments, gaps } = gapRecorder({ allowed: () => allowed });
      rec.onTracks([video]);
      for (let i = 0; i < 160; i++) {
        // The segment of 2 to 4 s is cut while recording may not go on.
        allowed = i !== 100;
        rec.onFrame(frame(i));
      }
      await rec.flush();
      expect(segments.map((s) => [s.startMs - t0, s.discontinuity])).toEqual([
        [0, true],
        [4000, true],
        [6000, false],
      ]);
      expect(gaps).toEqual([{ fromMs: t0 + 2000, toMs: t0 + 4000, reason: 'recording was paused (low disk space)' }]);
    });

    it('tells of a segment the disk refused, marking the next one written', async () => {
      // Segments at 09:59:56, :58, then 10:00:00 (its hour's folder blocked by a file) and 10:00:02.
      const start = Date.UTC(2026, 10, 21, 9, 59, 56);
      const blocker = path.join(tempDir(), 'dvr', 'cams/t/2026/11/21/10');
      await fs.mkdir(path.dirname(blocker), { recursive: true });
      await fs.writeFile(blocker, 'not a folder');
      // The failure is reported from the write queue, before the next write starts: the disk works again for that one.
      const { rec, segments, gaps, errors } = gapRecorder({ onError: () => fsSync.rmSync(blocker) });
      rec.onTracks([video]);
      for (let i = 0; i < 200; i++) rec.onFrame(frame(i, start + i * 40));
      await rec.flush();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^cannot write the archive: /);
      expect(segments.map((s) => [s.startMs - start, s.discontinuity])).toEqual([
        [0, true],
        [2000, false],
        [6000, true],
      ]);
      expect(gaps).toEqual([{ fromMs: start + 4000, toMs: start + 6000, reason: errors[0] }]);
    });
  });
});
