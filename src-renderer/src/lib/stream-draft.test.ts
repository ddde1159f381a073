import { describe, expect, it } from 'vitest';
import type { StreamConfigView } from '../../../src-main/contract/studio-api';
import { buildCreate, buildStreamPatch, draftFromConfig, emptyDraft, isDraftDirty, nextPriority, sourceRow } from './stream-draft';

const config: StreamConfigView = {
  name: 'live/cam1',
  title: 'Stage',
  sources: [
    { url: 'rtsp://cam/main', priority: 0 },
    { url: 'rtsp://cam/backup', priority: 1 },
  ],
  publishEnabled: true,
  publishPasswordSet: true,
  takeover: false,
  loop: false,
  playlist: false,
  dvr: true,
  dvrDepth: '',
  dvrMaxSize: '',
  playToken: null,
  transcode: null,
  push: [],
  recordFiles: null,
};

describe('buildCreate', () => {
  it('sends every field, the password only when typed', () => {
    const draft = { ...emptyDraft(), title: ' Cam 2 ', sources: [sourceRow(' rtsp://cam2/x ', 0), sourceRow('', 1)] };
    expect(buildCreate(' live/cam2 ', draft)).toEqual({
      body: {
        name: 'live/cam2',
        title: 'Cam 2',
        sources: [{ url: 'rtsp://cam2/x', priority: 0 }],
        publishEnabled: true,
        publishPassword: null,
        takeover: false,
        loop: false,
        playlist: false,
        dvr: true,
        playToken: null,
      },
      errors: null,
    });
    expect(buildCreate('live/cam2', { ...emptyDraft(), newPassword: 'pw' }).body?.publishPassword).toBe('pw');
  });

  it('reports the name and each bad source row', () => {
    const bad = sourceRow('ftp://x', 0);
    const badPriority = sourceRow('rtsp://ok', 0);
    badPriority.priority = 'first';
    const result = buildCreate('live cam', { ...emptyDraft(), sources: [bad, badPriority] });
    expect(result.body).toBeNull();
    expect(result.errors?.name).toContain('not a valid stream name');
    expect(result.errors?.sources[bad.key]).toContain('Unsupported source');
    expect(result.errors?.sources[badPriority.key]).toContain('Priority');
  });

  it('refuses a source listed twice', () => {
    const twice = sourceRow('rtsp://a/x', 1);
    const result = buildCreate('live/a', { ...emptyDraft(), sources: [sourceRow('rtsp://a/x', 0), twice] });
    expect(result.errors?.sources[twice.key]).toContain('twice');
  });
});

describe('buildStreamPatch', () => {
  it('sends nothing when nothing changed, and keeps the password', () => {
    const draft = draftFromConfig(config);
    expect(isDraftDirty(draft, config)).toBe(false);
    expect(buildStreamPatch(draft, config)).toEqual({ patch: {}, errors: null });
  });

  it('sends only the changed fields', () => {
    const draft = { ...draftFromConfig(config), title: 'Stage left', takeover: true };
    expect(isDraftDirty(draft, config)).toBe(true);
    expect(buildStreamPatch(draft, config).patch).toEqual({ title: 'Stage left', takeover: true });
  });

  it('sends the whole list when a source changes', () => {
    const draft = draftFromConfig(config);
    draft.sources = draft.sources.slice(0, 1);
    expect(buildStreamPatch(draft, config).patch).toEqual({ sources: [{ url: 'rtsp://cam/main', priority: 0 }] });
  });

  it('sets or clears the write-only password', () => {
    expect(buildStreamPatch({ ...draftFromConfig(config), newPassword: 'new' }, config).patch).toEqual({ publishPassword: 'new' });
    expect(buildStreamPatch({ ...draftFromConfig(config), clearPassword: true }, config).patch).toEqual({ publishPassword: null });
    const open = { ...config, publishPasswordSet: false };
    expect(isDraftDirty({ ...draftFromConfig(open), clearPassword: true }, open)).toBe(false);
  });

  it('sends every field for a stream that is only published', () => {
    expect(buildStreamPatch(emptyDraft(), null).patch).toEqual({ title: '', sources: [], publishEnabled: true, takeover: false, loop: false, playlist: false, dvr: true, playToken: null });
  });
});

describe('play token', () => {
  it('is sent trimmed on create, and null (open playback) when empty', () => {
    expect(buildCreate('live/a', { ...emptyDraft(), playToken: ' view-1.~_ ' }).body?.playToken).toBe('view-1.~_');
    expect(buildCreate('live/a', { ...emptyDraft(), playToken: '   ' }).body?.playToken).toBeNull();
  });

  it('is checked as the contract checks it', () => {
    expect(buildCreate('live/a', { ...emptyDraft(), playToken: 'abc' }).errors?.playToken).toMatch(/at least 4/);
    expect(buildStreamPatch({ ...draftFromConfig(config), playToken: 'no spaces' }, config).errors?.playToken).toMatch(/letters, digits/);
  });

  it('is sent on a change only: set, changed, or removed', () => {
    const locked = { ...config, playToken: 'secret-1' };
    expect(draftFromConfig(locked).playToken).toBe('secret-1');
    expect(isDraftDirty(draftFromConfig(locked), locked)).toBe(false);
    expect(buildStreamPatch(draftFromConfig(locked), locked).patch).toEqual({});
    expect(buildStreamPatch({ ...draftFromConfig(config), playToken: 'fresh-token' }, config).patch).toEqual({ playToken: 'fresh-token' });
    const cleared = { ...draftFromConfig(locked), playToken: '' };
    expect(isDraftDirty(cleared, locked)).toBe(true);
    expect(buildStreamPatch(cleared, locked).patch).toEqual({ playToken: null });
    expect(isDraftDirty({ ...draftFromConfig(locked), playToken: ' secret-1 ' }, locked)).toBe(false);
  });
});

describe('nextPriority', () => {
  it('puts a new source after the others', () => {
    expect(nextPriority([])).toBe(0);
    expect(nextPriority([sourceRow('a', 0), sourceRow('b', 5)])).toBe(6);
    expect(nextPriority([sourceRow('a', 1000)])).toBe(1000);
  });
});
