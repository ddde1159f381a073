import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { StudioEvents } from '../events/studio-events.js';
import { StreamHub } from '../streams/stream-hub.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { ArchiveStore } from './archive-store.js';
import { DvrIndex } from './dvr-index.js';
import { DvrService } from './dvr-service.js';

const tempDir = useTempDir();

function service() {
  const log = pino({ level: 'silent' });
  const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
  const events = new StudioEvents();
  const errors: { stream: string; reason: string }[] = [];
  events.subscribe((event) => {
    if (event.type === 'dvr_error') errors.push(event.data as { stream: string; reason: string });
  });
  const dvr = new DvrService({ archive: new ArchiveStore({ root: path.join(tempDir(), 'dvr'), index: new DvrIndex(db), log }), events, log, segmentTargetMs: () => 2000, configured: () => true, diskOk: () => true });
  const hub = () => new StreamHub('live/cam/720p', log, () => undefined);
  return { dvr, hub, errors, db };
}

describe('DVR service', () => {
  it('records one source per name: a second hub calling itself the same is refused and cannot stop the first', async () => {
    const { dvr, hub, errors, db } = service();
    const rendition = hub();
    const publisher = hub();
    expect(dvr.watch(rendition)).toBe(true);
    expect(dvr.recording('live/cam/720p')).toBe(true);
    expect(dvr.watch(publisher)).toBe(false);
    expect(errors).toEqual([{ stream: 'live/cam/720p', reason: 'another source already records as live/cam/720p; this one is not recorded' }]);
    // The refused hub going away leaves the recording alone; the holder going away ends it, and the name is free again.
    dvr.forget('live/cam/720p', publisher);
    expect(dvr.recording('live/cam/720p')).toBe(true);
    dvr.forget('live/cam/720p', rendition);
    expect(dvr.recording('live/cam/720p')).toBe(false);
    expect(dvr.watch(publisher)).toBe(true);
    await dvr.close();
    db.close();
  });
});
