import { describe, expect, it } from 'vitest';
import { checkTemplate, formatDate, recordingPath } from './name-template.js';

const values = { stream: 'live/cam1', start: new Date(2026, 11, 7, 9, 5, 3), end: new Date(2026, 11, 7, 10, 5, 3), durationSeconds: 3600.4, sequence: 7, session: 'a1b2' };

describe('recording name templates', () => {
  it('expands every token on the local clock, in the stream\'s folder unless the template makes its own', () => {
    expect(recordingPath('{stream}-{start:%Y%m%d-%H%M%S}', values, 'mp4')).toBe('live/cam1/live_cam1-20261207-090503.mp4');
    expect(recordingPath('{stream}_{start}_{end:%H%M}_{duration}s_{seq:3}', values, 'mkv')).toBe('live/cam1/live_cam1_20261207-090503_1005_3600s_007.mkv');
    expect(recordingPath('multicam/{session}/{stream}.ts', values, 'ts')).toBe('multicam/a1b2/live_cam1.ts');
    expect(formatDate(values.start, '%j %% %s')).toBe(`341 % ${Math.floor(values.start.getTime() / 1000)}`);
  });

  it('never leaves the recordings folder or makes a name an OS refuses', () => {
    for (const bad of ['../x', '/etc/{seq}', 'a/../../b', '{nope}', '{stream']) expect(() => checkTemplate(bad), bad).toThrow();
    const hostile = { ...values, stream: '../../etc' };
    expect(recordingPath('{stream}', hostile, 'ts')).toBe('_/_/etc/.._.._etc.ts');
    expect(recordingPath('a/./{stream}/..', hostile, 'mp4')).toBe('a/.._.._etc.mp4');
    expect(recordingPath('con: "x" <y>|z?*', values, 'mp4')).toBe('live/cam1/con_ _x_ _y__z__.mp4');
    expect(recordingPath('{start:%Y}. ', values, 'ts')).toBe('live/cam1/2026.ts');
  });
});
