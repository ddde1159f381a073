import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { welcomeMarkerName } from './welcome.js';

describe('/api/welcome', () => {
  const studio = useStudio();

  it('is for the admin only', async () => {
    const base = studio().urls.http;
    expect((await fetch(new URL('/api/welcome', base))).status).toBe(401);
    expect((await fetch(new URL('/api/welcome/done', base), { method: 'POST' })).status).toBe(401);
    // Refused, so nothing was remembered.
    expect(await (await studio().api('/api/welcome')).json()).toEqual({ done: false });
  });

  it('says not done on a fresh data folder, and done from then on once told, in a marker file', async () => {
    expect(await (await studio().api('/api/welcome')).json()).toEqual({ done: false });
    const done = await studio().api('/api/welcome/done', { method: 'POST' });
    expect(done.status).toBe(204);
    expect(await (await studio().api('/api/welcome')).json()).toEqual({ done: true });
    await expect(fs.stat(path.join(studio().dir, welcomeMarkerName))).resolves.toBeTruthy();
    // Told twice is no error.
    expect((await studio().api('/api/welcome/done', { method: 'POST' })).status).toBe(204);
  });

  it('reads the marker the fixtures write before start', async () => {
    await fs.writeFile(path.join(studio().dir, welcomeMarkerName), '');
    expect(await (await studio().api('/api/welcome')).json()).toEqual({ done: true });
  });
});
