import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RtmpTestClient } from '../test-support/rtmp-client.js';
import { useStudio } from '../test-support/studio-instance.js';

const studio = useStudio();

async function publishOverRtmp(key: string): Promise<{ code: string; description: string; client: RtmpTestClient }> {
  const client = await RtmpTestClient.open(studio().rtmpPort);
  await client.connect('live');
  return { ...(await client.publish(key)), client };
}

const archiveHas = (relative: string) =>
  fs.access(path.join(studio().dir, 'dvr', relative)).then(
    () => true,
    () => false,
  );

describe('hostile stream names', () => {
  it('refuses publishing to live/x.partial (RTMP and MPEG-TS over HTTP) with the reason, and makes no folder', async () => {
    const rtmp = await publishOverRtmp('x.partial');
    rtmp.client.close();
    expect(rtmp).toMatchObject({ code: 'NetStream.Publish.BadName' });
    expect(rtmp.description).toContain('"x.partial" ends like the studio\'s temporary files');

    const http = await fetch(new URL('/live/seg.m4s.partial/mpegts', studio().urls.http), { method: 'POST', body: new Uint8Array(188) });
    expect(http.status).toBe(403);
    expect(((await http.json()) as { detail: string }).detail).toContain('temporary files');

    const device = await publishOverRtmp('CON');
    device.client.close();
    expect(device.description).toContain('device name on Windows');
    expect(await archiveHas('live/x.partial')).toBe(false);
    expect(await archiveHas('live/seg.m4s.partial')).toBe(false);
  });

  it('refuses a name differing only in case from a configured or live stream, at create and at publish', async () => {
    const created = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/cam' }) });
    expect(created.status).toBe(201);
    const twin = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/Cam' }) });
    expect(twin.status).toBe(409);
    expect(((await twin.json()) as { detail: string }).detail).toBe(
      '"live/Cam" differs only in letter case from the stream live/cam: Windows and macOS would store both in one folder; use the same spelling or another name',
    );
    const viaPut = await studio().api(`/api/streams/${encodeURIComponent('live/CAM')}`, { method: 'PUT', body: JSON.stringify({ title: 'x' }) });
    expect(viaPut.status).toBe(409);

    const upper = await publishOverRtmp('CAM');
    upper.client.close();
    expect(upper).toMatchObject({ code: 'NetStream.Publish.BadName' });
    expect(upper.description).toContain('differs only in letter case from the stream live/cam');

    // A live (unconfigured) stream counts too.
    const live = await publishOverRtmp('desk');
    expect(live.code).toBe('NetStream.Publish.Start');
    try {
      const other = await publishOverRtmp('Desk');
      other.client.close();
      expect(other.description).toContain('differs only in letter case from the stream live/desk');
      const configured = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/DESK' }) });
      expect(configured.status).toBe(409);
    } finally {
      live.client.close();
    }
    const refusals = studio().events.filter((e) => e.type === 'publish_refused').map((e) => (e.type === 'publish_refused' ? e.data.name : ''));
    expect(refusals).toEqual(expect.arrayContaining(['live/CAM', 'live/Desk']));
  });
});
