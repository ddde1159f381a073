import { describe, expect, it } from 'vitest';
import { stuckSummary } from './retention-status';

const file = (i: number) => ({ stream: 'live/cam', path: `/data/dvr/live/cam/${i}.m4s`, error: 'EBUSY: resource busy or locked', since: 0, attempts: 1 });

describe('stuckSummary', () => {
  it('says nothing while nothing is stuck', () => {
    expect(stuckSummary(null)).toBeNull();
    expect(stuckSummary({ stuck: [], lastRunMs: 1, lastError: null })).toBeNull();
  });

  it('counts the stuck files and lists their paths and reasons', () => {
    const summary = stuckSummary({ stuck: [file(1), file(2)], lastRunMs: 1, lastError: null });
    expect(summary?.label).toBe('2 old recording files could not be deleted');
    expect(summary?.details).toContain('/data/dvr/live/cam/2.m4s\n  EBUSY: resource busy or locked');
  });

  it('lists ten and counts the rest', () => {
    const summary = stuckSummary({ stuck: Array.from({ length: 13 }, (_, i) => file(i)), lastRunMs: 1, lastError: null });
    expect(summary?.details).toContain('/data/dvr/live/cam/9.m4s');
    expect(summary?.details).not.toContain('/data/dvr/live/cam/10.m4s');
    expect(summary?.details).toContain('and 3 more');
  });
});
