import { afterEach, beforeEach } from 'vitest';
import { createStudio, type Studio, type StudioUrls } from '../studio.js';
import type { Settings, StreamInfo, StudioEvent } from '../contract/studio-api.js';
import { makeTempDir } from './temp-dir.js';

export interface TestStudio {
  studio: Studio;
  dir: string;
  urls: StudioUrls;
  rtmpPort: number;
  srtPort: number;
  events: StudioEvent[];
  /** fetch on the studio with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stream(name: string): Promise<StreamInfo | null>;
}

/** An in-process studio on free ports for each test of the calling file. */
export function useStudio(settings: Partial<Settings> = {}): () => TestStudio {
  let current: (TestStudio & { cleanup: () => Promise<void> }) | null = null;
  beforeEach(async () => {
    const { dir, cleanup } = await makeTempDir();
    const studio = await createStudio({ dataDir: dir, adminToken: null, cli: { httpPort: 0, rtmpPort: 0, srtPort: 0, ...settings }, env: {}, logToConsole: false });
    const urls = await studio.start();
    const events: StudioEvent[] = [];
    studioEvents(studio, events);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(new URL(path, urls.http), { ...init, headers: { authorization: `Bearer ${studio.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
    current = {
      studio,
      dir,
      urls,
      rtmpPort: Number(new URL(urls.rtmp).port),
      srtPort: Number(new URL(urls.srt).port),
      events,
      api,
      async stream(name) {
        const res = await api(`/api/streams/${encodeURIComponent(name)}`);
        return res.status === 200 ? ((await res.json()) as StreamInfo) : null;
      },
      cleanup,
    };
  });
  afterEach(async () => {
    await current?.studio.stop();
    await current?.cleanup();
    current = null;
  });
  return () => {
    if (!current) throw new Error('useStudio: only inside a test');
    return current;
  };
}

function studioEvents(studio: Studio, into: StudioEvent[]): void {
  studio.events.subscribe((event) => {
    if (event.type !== 'streams' && event.type !== 'system_status') into.push(event);
  });
}
