import { describe, expect, it } from 'vitest';
import type { Frame, Track } from '../../media/index.js';
import { buildAvcC } from '../../media/codecs/index.js';
import { readFragmentSummary } from '../../formats/fmp4/index.js';
import { LiveWindow } from './live-window.js';
import { buildLivePlaylist, nextPart } from './live-playlist.js';

// SPS and PPS of a real x264 encode (640x360 Constrained Baseline 3.0): the init writer parses them.
const avcc = buildAvcC([Buffer.from('6742c01eda0280bfe5c044000003000400000300c83c58ba80', 'hex')], [Buffer.from('68ce0fc8', 'hex')]);
const video: Track = { kind: 'video', id: 0, codec: 'h264', timescale: 1000, config: avcc, width: 640, height: 360, profile: 'Constrained Baseline', level: '3.0', declaredFps: 30 };
const t0 = Date.UTC(2026, 10, 21, 9);

/** 30 fps with RTMP's millisecond timestamps (33/34 ms steps), a keyframe every `gop` frames. */
function frame(i: number, gop = 60, arrivedAt?: number): Frame {
  const dts = Math.round((i * 1000) / 30);
  const key = i % gop === 0;
  return { trackId: 0, dts, pts: dts, keyframe: key, data: Uint8Array.from([0, 0, 0, 2, key ? 0x65 : 0x41, 0x88]), arrivedAt: arrivedAt ?? t0 + dts };
}

function window(segmentTargetMs = 2000) {
  return new LiveWindow({ segmentTargetMs: () => segmentTargetMs, partTargetMs: 500, keepSegments: 3, firstMsn: 100 });
}

describe('live window', () => {
  it('cuts 0.5 s parts and 2 s segments on keyframes, a segment being its parts in order', () => {
    const w = window();
    w.onTracks([video]);
    for (let i = 0; i <= 180; i++) w.onFrame(frame(i));
    const [first, second, third, open] = w.segments;
    expect([first, second, third].map((s) => s!.complete)).toEqual([true, true, true]);
    expect(open!.complete).toBe(false);
    expect(first!.msn).toBe(100);
    expect(first!.parts.map((p) => Math.round(p.durationMs))).toEqual([500, 500, 500, 500]);
    expect(first!.parts.map((p) => p.independent)).toEqual([true, false, false, false]);
    expect(first!.durationMs).toBeCloseTo(2000, 0);
    expect(first!.startMs).toBe(t0);
    expect(second!.startMs).toBe(t0 + 2000);
    // Every part decodes on its own timeline: tfdt of part n is where part n-1 ended.
    const tfdts = first!.parts.map((p) => readFragmentSummary(p.bytes).tracks[0]!.baseDecodeTime);
    expect(tfdts).toEqual([0, 500, 1000, 1500]);
  });

  it('keeps a bounded window and counts discontinuities that leave it', () => {
    const w = window();
    w.onTracks([video]);
    for (let i = 0; i < 200; i++) w.onFrame(frame(i));
    // A reconnect: new tracks, a discontinuity, a new init.
    w.onTracks([video]);
    for (let i = 0; i < 400; i++) w.onFrame(frame(i, 60, t0 + 10_000 + Math.round((i * 1000) / 30)));
    const complete = w.segments.filter((s) => s.complete);
    expect(complete).toHaveLength(3);
    expect(w.discontinuitySequence).toBe(1);
    expect(new Set(w.segments.map((s) => s.init.id)).size).toBe(1);
    const text = buildLivePlaylist(w);
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(text).not.toContain('#EXT-X-DISCONTINUITY\n');
  });

  it('writes a low-latency playlist: server control, part info, parts of recent segments, a preload hint', () => {
    const w = window();
    w.onTracks([video]);
    for (let i = 0; i <= 200; i++) w.onFrame(frame(i));
    const text = buildLivePlaylist(w, '?token=abc');
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,HOLD-BACK=6.000');
    expect(text).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.5\d\d/);
    expect(text).toContain('#EXT-X-TARGETDURATION:2');
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:100');
    expect(text).toMatch(/#EXT-X-MAP:URI="l-init-\d+\.mp4\?token=abc"/);
    expect(text).toContain('#EXT-X-PART:DURATION=0.500,URI="l-100.0.m4s?token=abc",INDEPENDENT=YES');
    expect(text).toContain('#EXTINF:2.000,\nl-100.m4s?token=abc');
    const open = w.open!;
    expect(text.trimEnd().split('\n').at(-1)).toBe(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="l-${open.msn}.${open.parts.length}.m4s?token=abc"`);
    // Parts are announced no longer than PART-TARGET.
    for (const m of text.matchAll(/#EXT-X-PART:DURATION=([\d.]+)/g)) expect(Number(m[1])).toBeLessThanOrEqual(0.505);
  });

  it('wakes a blocked request when its part appears, and times out otherwise', async () => {
    const w = window();
    w.onTracks([video]);
    for (let i = 0; i <= 70; i++) w.onFrame(frame(i));
    const hint = nextPart(w)!;
    const waiting = w.waitFor(() => (w.segment(hint.msn)?.parts.length ?? 0) > hint.part, 1000);
    for (let i = 71; i <= 90; i++) w.onFrame(frame(i));
    expect(await waiting).toBe(true);
    expect(await w.waitFor(() => false, 20)).toBe(false);
    // Detaching releases every waiter at once.
    const pending = w.waitFor(() => false, 10_000);
    w.onDetach();
    expect(await pending).toBe(false);
  });

  it('starts on a keyframe, and re-anchors with a discontinuity when the source clock drifts from the wall clock', () => {
    const w = window();
    w.onTracks([video]);
    for (let i = 30; i <= 130; i++) w.onFrame(frame(i)); // starts mid-GOP: waits for frame 60
    expect(w.segments[0]!.startMs).toBe(t0 + 2000);
    // The source goes quiet for 10 s and resumes with its clock where it left off.
    for (let i = 131; i <= 260; i++) w.onFrame(frame(i, 60, t0 + 10_000 + Math.round((i * 1000) / 30)));
    const jumped = w.segments.find((s) => s.discontinuity)!;
    expect(jumped).toBeDefined();
    expect(jumped.startMs).toBeGreaterThan(t0 + 10_000);
  });
});
