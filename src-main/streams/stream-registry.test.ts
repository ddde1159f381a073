import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type StudioDatabase } from '../db/index.js';
import { DvrIndex } from '../dvr/dvr-index.js';
import { StudioEvents } from '../events/studio-events.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { StreamRegistry } from './stream-registry.js';
import { StreamStore } from './stream-store.js';

const dir = useTempDir();
const open: { db: StudioDatabase; registry: StreamRegistry }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.registry.close();
    o.db.close();
  }
});

/** A registry on a real database whose archive holds a recording of `archived` (an init row, as the recorder writes). */
function registryWithArchive(archived: string) {
  const db = openDatabase(path.join(dir(), 'framehouse.db'));
  const index = new DvrIndex(db);
  index.initId(archived, 'a'.repeat(64), `${archived}/init/x.mp4`, '[]');
  const registry = new StreamRegistry({
    store: new StreamStore(db),
    events: new StudioEvents(),
    log: pino({ level: 'silent' }),
    publishPrefix: () => 'live/',
    runner: { start: () => ({ stop: async () => undefined }) },
    archivedNames: () => index.archivedStreamNames(),
  });
  open.push({ db, registry });
  return registry;
}

const publisher = (name: string) => ({ name, protocol: 'rtmp' as const, remoteAddress: '127.0.0.1', password: null, kick: () => undefined });

describe('stream registry: names that would share a folder', () => {
  it('refuses a name differing only in case from a stream that exists only in the archive', () => {
    const registry = registryWithArchive('live/Yard');
    const answer = registry.requestPublish(publisher('live/yard'));
    expect(answer).toEqual({ ok: false, reason: expect.stringContaining('"live/yard" differs only in letter case from the stream live/Yard') as string });
    expect(registry.create({ name: 'live/YARD' })).toEqual({ conflict: expect.stringContaining('differs only in letter case from the stream live/Yard') as string });
    expect(registry.list()).toEqual([]);
  });

  it('lets the archived spelling itself publish and be configured again', () => {
    const registry = registryWithArchive('live/Yard');
    expect(registry.requestPublish(publisher('live/Yard')).ok).toBe(true);
    expect(registry.create({ name: 'live/Yard' })).toMatchObject({ name: 'live/Yard' });
  });
});
