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
import { SegmentRecorder } from './segment-recorder.js';

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
});
