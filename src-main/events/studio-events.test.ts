import { describe, expect, it } from 'vitest';
import { StudioEvents } from './studio-events.js';

describe('studio events', () => {
  it('counts only watchers in hasSubscribers: a background listener (webhooks) gets every event but asks for no costly one', () => {
    const events = new StudioEvents();
    const seen: string[] = [];
    const stopHooks = events.subscribe((e) => seen.push(`hooks:${e.type}`), { background: true });
    expect(events.hasSubscribers).toBe(false);
    const stopWindow = events.subscribe((e) => seen.push(`window:${e.type}`));
    expect(events.hasSubscribers).toBe(true);
    events.publish('stream_stopped', { name: 'live/a', reason: 'done' });
    expect(seen).toEqual(['hooks:stream_stopped', 'window:stream_stopped']);
    stopWindow();
    expect(events.hasSubscribers).toBe(false);
    stopHooks();
    events.publish('stream_stopped', { name: 'live/a', reason: 'done' });
    expect(seen).toHaveLength(2);
  });
});
