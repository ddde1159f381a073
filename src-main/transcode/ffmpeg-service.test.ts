import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FfmpegStatus } from '../contract/studio-api.js';
import { openDatabase, type StudioDatabase } from '../db/index.js';
import { FfmpegService } from './ffmpeg-service.js';
import { ProcessRegistry } from './process-registry.js';
import { makeTempDir } from '../test-support/temp-dir.js';

let dir: string;
let cleanup: () => Promise<void>;
let db: StudioDatabase;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  db = openDatabase(path.join(dir, 'framehouse.db'));
});
afterEach(async () => {
  db.close();
  await cleanup();
});

function service(env: NodeJS.ProcessEnv, setting = '') {
  const log = pino({ level: 'silent' });
  return new FfmpegService({ db, processes: new ProcessRegistry(log), log, env, resourcesDir: null, ffmpegPathSetting: () => setting });
}

describe('ffmpeg service', () => {
  it('announces the probe, answers with the finished state, and caches results in SQLite', async () => {
    const ffmpeg = service({ PATH: process.env.PATH });
    const seen: FfmpegStatus[] = [];
    ffmpeg.on('status', (s) => seen.push(s));
    const first = await ffmpeg.refresh();
    expect(first.available && first.probing).toBe(false);
    expect(seen.map((s) => s.available && s.probing)).toEqual([false, false]);
    expect(seen[0]).toMatchObject({ available: false, reason: 'looking for ffmpeg…' });
    if (!first.available) throw new Error(first.reason);
    expect(first.encoders.some((e) => e.name === 'libx264' && e.works)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM ffmpeg_probe').get()).toEqual({ n: 1 });

    // A new service on the same database takes the cached result instead of encoding again.
    const again = await service({ PATH: process.env.PATH }).refresh();
    expect(again.available && again.probedAt).toBe(first.probedAt);
    const forced = await service({ PATH: process.env.PATH }).refresh({ force: true });
    expect(forced.available && forced.probedAt).not.toBe(first.probedAt);
  });

  it('keeps the previous result visible while a re-probe runs', async () => {
    const ffmpeg = service({ PATH: process.env.PATH });
    await ffmpeg.refresh();
    const running = ffmpeg.refresh({ force: true });
    const during = ffmpeg.status();
    expect(during.available && during.probing).toBe(true);
    expect(during.available && during.encoders.length).toBeGreaterThan(0);
    await running;
  });

  it('says what to do when there is no ffmpeg at all', async () => {
    const status = await service({ PATH: dir }, path.join(dir, 'nope')).refresh();
    expect(status).toMatchObject({ available: false });
    expect(!status.available && status.reason).toMatch(/^ffmpeg not found: set FFMPEG_PATH or the ffmpeg path in Settings, or install ffmpeg\. Tried .*nope/);
  });
});
