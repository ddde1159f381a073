import { describe, expect, it } from 'vitest';
import { ladderConfigFrom, ladderDraftFrom, sameLadder, suggestedLadder } from './ladder-draft';

describe('ladder draft', () => {
  it('round-trips a configured ladder and turns an empty one into "source only"', () => {
    const config = { renditions: [{ height: 480, videoBitrate: '1200k' }], encoder: 'libx264' };
    expect(ladderConfigFrom(ladderDraftFrom(config))).toEqual({ config });
    expect(ladderConfigFrom(ladderDraftFrom(null))).toEqual({ config: null });
    expect(sameLadder(config, { ...config })).toBe(true);
  });

  it('names the first mistake by row', () => {
    expect(ladderConfigFrom({ rows: [...suggestedLadder, { height: '99', videoBitrate: '1M' }], encoder: 'auto', record: false })).toEqual({ error: 'Row 4: height is a whole number of lines from 144 to 4320' });
    expect(ladderConfigFrom({ rows: [{ height: '480', videoBitrate: 'fast' }], encoder: 'auto', record: false })).toEqual({ error: 'Row 1: bitrate like 1200k or 2.5M' });
    expect(ladderConfigFrom({ rows: Array.from({ length: 9 }, () => ({ height: '480', videoBitrate: '1M' })), encoder: 'auto', record: false })).toEqual({ error: 'At most 8 renditions' });
  });
});
