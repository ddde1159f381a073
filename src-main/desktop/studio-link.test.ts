import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useStudio } from '../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { until } from '../test-support/wait.js';
import { StudioLink } from './studio-link.js';
import type { TrayStatus } from './tray-status.js';

const studio = useStudio();
const links: StudioLink[] = [];
afterEach(() => links.splice(0).forEach((l) => l.close()));

describe('the shell\'s link to a real studio', () => {
  it('follows streams into the tray status, pauses and resumes recording, and knows the studio\'s folders', async () => {
    const s = studio();
    const link = new StudioLink(() => ({ url: s.urls.http, token: s.studio.token }));
    links.push(link);
    const statuses: TrayStatus[] = [];
    link.on('status', (t) => statuses.push(t));
    link.start();
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ seconds: 20, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${s.rtmpPort}/live/tray`]);
    try {
      await until('the tray to show the stream recording', async () => statuses.at(-1)?.state === 'recording');
      expect(statuses.at(-1)).toMatchObject({ live: 1, recording: 1, summary: 'Framehouse: 1 live, 1 recording' });
      expect(await link.pauseRecording()).toEqual(['live/tray']);
      await until('the tray to show it live only', async () => statuses.at(-1)?.state === 'live');
      await link.resumeRecording();
      await until('the tray to show it recording again', async () => statuses.at(-1)?.state === 'recording');
    } finally {
      await publisher.stop();
    }
    expect(await link.lanWatchLink()).toBeNull(); // LAN access is off
    const folders = await link.ownFolders();
    expect(folders).toEqual(expect.arrayContaining([s.dir, path.join(s.dir, 'exports'), path.join(s.dir, 'recordings'), path.join(s.dir, 'media')]));
  }, 40_000);

  it('refuses calls with a wrong token and keeps retrying the event stream without crashing', async () => {
    const s = studio();
    const link = new StudioLink(() => ({ url: s.urls.http, token: 'not-the-token-at-all' }));
    links.push(link);
    link.start();
    await expect(link.pauseRecording()).rejects.toThrow(/401/);
    await new Promise((r) => setTimeout(r, 800));
    expect(link.status().state).toBe('idle');
  });
});
