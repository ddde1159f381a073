import { describe, expect, it } from 'vitest';
import { buildMediaPlaylist } from './media-playlist.js';
import type { SegmentRecord } from '../../dvr/dvr-index.js';

const t0 = Date.UTC(2026, 10, 21, 10);
const seg = (i: number, o: Partial<SegmentRecord> = {}): SegmentRecord => ({
  stream: 'live/a',
  startMs: t0 + i * 2000,
  durationMs: 2000,
  bytes: 1,
  file: '',
  initId: 1,
  firstKeyframe: true,
  discontinuity: false,
  seq: 100 + i,
  dseq: 3,
  ...o,
});
const uris = { segmentUri: { prefix: 's-', suffix: '.m4s' }, initUri: (id: number) => `i-${id}.mp4` };

describe('media playlist', () => {
  it('writes a live window with sequence numbers, the init map and wall-clock times', () => {
    const text = buildMediaPlaylist({ kind: 'live', segments: [seg(0), seg(1)], ...uris }).toString('latin1');
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA-SEQUENCE:100',
        '#EXT-X-DISCONTINUITY-SEQUENCE:3',
        '#EXT-X-MAP:URI="i-1.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:00.000Z',
        '#EXTINF:2.000,',
        `s-${t0}.m4s`,
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-21T10:00:02.000Z',
        '#EXTINF:2.000,',
        `s-${t0 + 2000}.m4s`,
        '',
      ].join('\n'),
    );
  });

  it('marks gaps, recorder discontinuities and init changes, and ends a VOD playlist', () => {
    const text = buildMediaPlaylist({
      kind: 'vod',
      segments: [seg(0), seg(5), seg(6, { discontinuity: true }), seg(7, { initId: 2, durationMs: 2400 })],
      ...uris,
    }).toString('latin1');
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(3);
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text).toContain('#EXT-X-TARGETDURATION:3');
    expect(text).toContain('#EXT-X-MAP:URI="i-2.mp4"');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const total = [...text.matchAll(/#EXTINF:([\d.]+),/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(total).toBeCloseTo(8.4, 3);
  });

  it('writes times and durations digit for digit as Date and toFixed would', () => {
    const odd = [seg(0, { startMs: Date.UTC(2026, 0, 1, 23, 59, 59, 7), durationMs: 1999 }), seg(1, { startMs: Date.UTC(2026, 0, 2, 0, 0, 1, 6), durationMs: 10_050 })];
    const text = buildMediaPlaylist({ kind: 'event', segments: odd, ...uris }).toString('latin1');
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-01-01T23:59:59.007Z\n#EXTINF:1.999,\ns-1767311999007.m4s\n');
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-01-02T00:00:01.006Z\n#EXTINF:10.050,\n');
  });
});
