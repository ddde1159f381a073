import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { StreamHub } from './stream-hub.js';
import type { FrameSink } from './frame-sink.js';
import type { Frame, Track } from '../media/index.js';

const video: Track = { kind: 'video', id: 0, codec: 'h264', timescale: 1000, config: new Uint8Array(0), width: 640, height: 360, profile: 'High', level: '3.0', declaredFps: 30 };
const audio: Track = { kind: 'audio', id: 1, codec: 'aac', timescale: 1000, config: new Uint8Array(0), sampleRate: 48000, channels: 2, profile: 'LC' };

const frame = (i: number, keyframe = i % 10 === 0, trackId = 0): Frame => ({ trackId, dts: i * 33, pts: i * 33, keyframe, data: new Uint8Array(100), arrivedAt: 1_000_000 + i * 33 });

function hub() {
  const changes: string[] = [];
  const h = new StreamHub('live/test', pino({ level: 'silent' }), (_hub, change) => changes.push(change.started ? 'started' : `ended:${change.ended!.reason}`));
  const session = h.beginSession({ protocol: 'rtmp', remoteAddress: '127.0.0.1', sourceUrl: null, kick: () => undefined }, 'publishing');
  session.setTracks([video, audio]);
  return { h, session, changes };
}

function recorder(accept: (f: Frame) => boolean = () => true) {
  const got: Frame[] = [];
  const events: string[] = [];
  const sink: FrameSink = {
    label: 'test',
    onTracks: (t) => events.push(`tracks:${t.length}`),
    onFrame: (f) => {
      got.push(f);
      return accept(f);
    },
    onSourceEnd: (r) => events.push(`end:${r}`),
    onDetach: (r) => events.push(`detach:${r}`),
  };
  return { sink, got, events };
}

describe('stream hub', () => {
  it('starts a new sink at once on the cached keyframe, with the tracks first', () => {
    const { h, session } = hub();
    for (let i = 0; i < 25; i++) session.pushFrame(frame(i));
    const r = recorder();
    h.attach(r.sink);
    expect(r.events).toEqual(['tracks:2']);
    expect(r.got.map((f) => f.dts)).toEqual([20, 21, 22, 23, 24].map((i) => i * 33));
    expect(r.got[0]!.keyframe).toBe(true);
    session.pushFrame(frame(25));
    expect(r.got).toHaveLength(6);
  });

  it('skips a full sink to the next keyframe after it resumes, and counts what it dropped', () => {
    const { h, session } = hub();
    let room = true;
    const r = recorder(() => room);
    const attachment = h.attach(r.sink);
    session.pushFrame(frame(0));
    room = false;
    session.pushFrame(frame(1)); // delivered, answered "full"
    session.pushFrame(frame(2)); // dropped
    room = true;
    attachment.resume();
    session.pushFrame(frame(3)); // still dropped: waiting for a keyframe
    session.pushFrame(frame(10)); // keyframe: delivery restarts
    session.pushFrame(frame(11));
    expect(r.got.map((f) => f.dts / 33)).toEqual([0, 1, 10, 11]);
    expect(attachment.dropped).toBe(2);
  });

  it('detaches a sink that stays full for more than 10 s, and one that throws; ingest goes on', () => {
    const { h, session } = hub();
    const slow = recorder(() => false);
    const broken = recorder(() => {
      throw new Error('boom');
    });
    const fine = recorder();
    h.attach(slow.sink);
    h.attach(broken.sink);
    h.attach(fine.sink);
    for (let i = 0; i < 400; i++) session.pushFrame(frame(i)); // 13 s of frames
    expect(slow.events.at(-1)).toMatch(/^detach:too slow: \d+ frames dropped/);
    expect(h.sinkCount).toBe(1);
    expect(fine.got).toHaveLength(400);
  });

  it('tells sinks when the source ends, and a new session is a fresh start for all', () => {
    const { h, session, changes } = hub();
    const r = recorder();
    h.attach(r.sink);
    session.pushFrame(frame(0));
    session.end('the publisher disconnected', false);
    expect(r.events).toEqual(['tracks:2', 'end:the publisher disconnected']);
    expect(h.state).toBe('idle');
    session.pushFrame(frame(1)); // an ended session pushes nothing
    expect(r.got).toHaveLength(1);
    const next = h.beginSession({ protocol: 'srt', remoteAddress: null, sourceUrl: null, kick: () => undefined }, 'publishing');
    next.setTracks([video]);
    expect(r.events.at(-1)).toBe('tracks:1');
    expect(changes).toEqual(['started', 'ended:the publisher disconnected', 'started']);
  });

  it('keeps the latest keyframe for previews and bounds the cache', () => {
    const { h, session } = hub();
    expect(h.latestKeyframe()).toBeNull();
    session.pushFrame(frame(0));
    session.pushFrame(frame(1, false, 1));
    expect(h.latestKeyframe()?.frame.dts).toBe(0);
    expect(h.latestKeyframe()?.track.kind).toBe('video');
    // A source that never sends another keyframe cannot grow the cache without bound.
    const big = { ...frame(2, false), data: new Uint8Array(40 << 20) };
    session.pushFrame(big);
    session.pushFrame({ ...big, dts: 99 });
    const r = recorder();
    h.attach(r.sink);
    expect(r.got.reduce((n, f) => n + f.data.length, 0)).toBeLessThanOrEqual(64 << 20);
  });
});
