import { describe, expect, it } from 'vitest';
import { renditionParent, streamNameCaseConflict, streamNameProblem } from './stream-name.js';

describe('streamNameProblem', () => {
  it.each(['live/cam1', 'cam1', 'a/b/c', 'studio_A/cam-2.hd', 'live/console', 'live/com10', 'live/partial', 'live/x.partials', 'live/tmp', 'live/.hidden'])('accepts %s', (name) => {
    expect(streamNameProblem(name)).toBeNull();
  });

  it.each([
    // The studio's own temporary files: the archive's start-up clean-up would take the folder for one.
    ['live/x.partial', '"x.partial" ends like the studio\'s temporary files'],
    ['live/x.PARTIAL/cam', 'temporary files'],
    ['live/seg.m4s.partial', 'temporary files'],
    ['thumbs.tmp/cam', 'temporary files'],
    ['live/cam.tmp-4242-1700000000000', 'temporary files'],
    // Windows drops a trailing dot: "cam." and "cam" would be one folder.
    ['live/cam.', 'ends with a dot'],
    ['live./cam', 'ends with a dot'],
    // Device names, any case, with or without an extension.
    ['live/CON', 'device name on Windows'],
    ['live/con', 'device name on Windows'],
    ['Aux/cam', 'device name on Windows'],
    ['live/nul.txt', 'device name on Windows'],
    ['live/PRN.mp4', 'device name on Windows'],
    ['live/com1', 'device name on Windows'],
    ['live/COM9.x', 'device name on Windows'],
    ['live/lpt3', 'device name on Windows'],
    ['live/../x', '"." and ".." are not allowed'],
    ['live cam', 'use letters, digits'],
  ])('refuses %j with a reason', (name, words) => {
    expect(streamNameProblem(name)).toContain(words);
  });
});

describe('streamNameCaseConflict', () => {
  const existing = ['live/cam', 'studio/desk/one'];

  it('lets the same spelling and new names through', () => {
    expect(streamNameCaseConflict('live/cam', existing)).toBeNull();
    expect(streamNameCaseConflict('live/cam2', existing)).toBeNull();
    expect(streamNameCaseConflict('studio/desk/two', existing)).toBeNull();
  });

  it('refuses a name that differs only in letter case, naming the other stream', () => {
    expect(streamNameCaseConflict('live/Cam', existing)).toBe(
      '"live/Cam" differs only in letter case from the stream live/cam: Windows and macOS would store both in one folder; use the same spelling or another name',
    );
  });

  it('refuses a folder spelled in another case, as it would merge on disk too', () => {
    expect(streamNameCaseConflict('LIVE/other', existing)).toContain('from "live" (of the stream live/cam)');
    expect(streamNameCaseConflict('studio/Desk/two', existing)).toContain('"studio/desk" (of the stream studio/desk/one)');
  });
});

describe('recorded renditions', () => {
  it('names the stream a rendition belongs to, and nothing for other names', () => {
    expect(renditionParent('live/cam/720p')).toBe('live/cam');
    expect(renditionParent('live/cam/720p-1200k')).toBe('live/cam');
    expect(renditionParent('live/cam')).toBeNull();
    expect(renditionParent('720p')).toBeNull();
    expect(renditionParent('live/cam/720')).toBeNull();
    expect(renditionParent('live/cam/99999p')).toBeNull();
  });
});
