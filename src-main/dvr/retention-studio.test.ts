import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DvrRetentionStatus, StudioEvent } from '../contract/studio-api.js';
import { openDatabase } from '../db/index.js';
import { createStudio, type Studio } from '../studio.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { until } from '../test-support/wait.js';
import { segmentFile } from './archive-paths.js';
import { DvrIndex } from './dvr-index.js';

const tempDir = useTempDir();
const minute = 60_000;
const hash = 'b'.repeat(64);
let running: Studio | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

/** A data dir whose archive holds `count` one-minute segments of live/old, three hours old: rows and real files. */
async function archiveOf(dataDir: string, count: number): Promise<string[]> {
  const root = path.join(dataDir, 'dvr');
  const db = openDatabase(path.join(dataDir, 'framehouse.db'));
  const index = new DvrIndex(db);
  const initId = index.initId('live/old', hash, 'live/old/init/x.mp4', '[]');
  const start = Date.now() - 180 * minute;
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = segmentFile('live/old', start + i * minute, hash);
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), Buffer.alloc(1000));
    index.add({ stream: 'live/old', startMs: start + i * minute, durationMs: minute, bytes: 1000, file, initId, firstKeyframe: true, discontinuity: false });
    files.push(file);
  }
  db.close();
  return files;
}

/** Unlink fails on it even for root: a folder with something in it where the segment file was. */
async function jam(file: string): Promise<void> {
  await fs.rm(file);
  await fs.mkdir(file);
  await fs.writeFile(path.join(file, 'held'), 'x');
}

async function start(dataDir: string, cli: Record<string, unknown> = {}) {
  running = await createStudio({ dataDir, adminToken: null, cli: { httpPort: 0, rtmpPort: 0, srtPort: 0, ...cli }, env: {}, logToConsole: false });
  const events: StudioEvent[] = [];
  running.events.subscribe((e) => events.push(e));
  const urls = await running.start();
  const token = running.token;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(new URL(p, urls.http), { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  return { api, events, urls };
}

const gone = (file: string) =>
  fs.access(file).then(
    () => false,
    () => true,
  );

describe('retention in a running studio', () => {
  it('skips a segment it cannot delete, deletes the rest, and reports it in GET /api/dvr/retention and an event', async () => {
    const dataDir = tempDir();
    const files = (await archiveOf(dataDir, 5)).map((f) => path.join(dataDir, 'dvr', f));
    const { api, events, urls } = await start(dataDir);
    await jam(files[2]!);

    const changed = await api('/api/settings', { method: 'PUT', body: JSON.stringify({ dvrDepth: '1h' }) });
    expect(changed.status).toBe(200);
    const status = await until('retention to report the stuck file', async () => {
      const body = (await (await api('/api/dvr/retention')).json()) as DvrRetentionStatus;
      return body.stuck.length > 0 ? body : null;
    });
    expect(status.stuck).toEqual([{ stream: 'live/old', path: files[2], error: expect.stringMatching(/^EISDIR/) as string, since: expect.any(Number) as number, attempts: 1 }]);
    expect(status.lastError).toBeNull();
    for (const f of [files[0], files[1], files[3], files[4]]) expect(await gone(f!)).toBe(true);
    // Its row stays: the archive still lists what is still on disk.
    const streams = (await (await api('/api/dvr/streams')).json()) as { stream: string; from: number; to: number }[];
    expect(streams).toHaveLength(1);
    expect(streams[0]!.to - streams[0]!.from).toBe(60);
    expect(events.some((e) => e.type === 'dvr_retention_stuck' && e.data.stuck.length === 1)).toBe(true);
    expect((await api('/api/health')).status).toBe(200);
    // Admin only, as every archive route.
    expect((await fetch(new URL('/api/dvr/retention', urls.http))).status).toBe(401);
  });

  it('starts although an old segment past the depth cannot be deleted', async () => {
    const dataDir = tempDir();
    const files = (await archiveOf(dataDir, 3)).map((f) => path.join(dataDir, 'dvr', f));
    await jam(files[0]!);
    const { api } = await start(dataDir, { dvrDepth: '1h' });
    expect((await api('/api/health')).status).toBe(200);
    for (const f of files.slice(1)) expect(await gone(f)).toBe(true);
  });
});
