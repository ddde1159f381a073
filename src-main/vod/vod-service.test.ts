import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type StudioDatabase } from '../db/database.js';
import { StudioEvents } from '../events/studio-events.js';
import { ProcessRegistry, type RunOptions, type RunningProcess } from '../transcode/process-registry.js';
import { ffmpeg } from '../test-support/ffmpeg-tools.js';
import { until } from '../test-support/wait.js';
import { LibraryService } from './library-service.js';
import { LibraryStore } from './library-store.js';
import { SegmentCache } from './segment-cache.js';
import { VodService } from './vod-service.js';

const log = pino({ level: 'silent' });

/** The real registry, noting each child it starts: which job, at what niceness, while which others ran. */
class WatchedProcesses extends ProcessRegistry {
  readonly started: { label: string; seek: string | undefined; niceness: number | undefined; alongside: number }[] = [];

  override start(file: string, args: readonly string[], options: RunOptions): RunningProcess {
    const seek = args.indexOf('-ss');
    this.started.push({ label: options.label, seek: seek >= 0 ? args[seek + 1] : undefined, niceness: options.niceness, alongside: this.size });
    return super.start(file, args, options);
  }
}

let dir = '';
let processes: WatchedProcesses;
let db: StudioDatabase;
let library: LibraryService;
let vod: VodService;
const file = { folder: 'media', path: 'clip.mp4' };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-vod-service-'));
  const media = path.join(dir, 'media');
  await fs.mkdir(media);
  // 12 s at 640×360: a 240p rendition is transcoded, on the 0, 2, 6, 10 s grid.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac', path.join(media, 'clip.mp4')]);
  processes = new WatchedProcesses(log);
  db = openDatabase(path.join(dir, 'studio.db'));
  library = new LibraryService({ store: new LibraryStore(db), mediaDir: () => media, processes, ffprobePath: () => 'ffprobe', events: new StudioEvents(), log, watch: false });
  await library.start();
  await until('the clip probed', async () => library.resolve(file.folder, file.path)?.row.state === 'ready' || null, 20_000);
  const cache = new SegmentCache({ root: path.join(dir, 'cache'), limitBytes: () => 1 << 30, log });
  vod = new VodService({ library, cache, processes, ffmpegPath: () => 'ffmpeg', ffprobePath: () => 'ffprobe', encoders: () => [], encoderSetting: () => 'auto', log, jobs: 2 });
}, 60_000);

afterAll(async () => {
  await library.close();
  db.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const segmentJobs = () => processes.started.filter((s) => s.label === 'vod segment 240p');
/** Once `count` segment jobs have started, all of them done and a moment passed: a further job would have started by then. */
async function settled(count: number): Promise<void> {
  await until(`${count} segment jobs`, async () => segmentJobs().length >= count || null, 20_000);
  await until('no job running', async () => processes.size === 0 || null, 20_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('segments made ahead', () => {
  it('are the next one at a time, at full priority: the player asks for them next and waits on that very job', async () => {
    await vod.segment(file, '240p', 0, 'ts');
    await settled(2);
    // Segment 0 asked for, segment 1 made ahead; segment 2 waits, so a second core stays free for what a viewer asks.
    expect(segmentJobs().map((s) => [s.seek, s.niceness])).toEqual([
      [expect.any(String), undefined],
      [expect.any(String), undefined],
    ]);
    const [first, ahead] = segmentJobs();
    expect(Number(ahead!.seek)).toBeGreaterThan(Number(first!.seek));

    // Asked for next: already made, and the one after it is made ahead now.
    await vod.segment(file, '240p', 1, 'ts');
    await settled(3);
    expect(segmentJobs()).toHaveLength(3);
    expect(segmentJobs()[2]!.niceness).toBeUndefined();
    expect(Number(segmentJobs()[2]!.seek)).toBeGreaterThan(Number(ahead!.seek));
    expect(Math.max(...segmentJobs().map((s) => s.alongside))).toBeLessThanOrEqual(1);
  }, 60_000);
});
