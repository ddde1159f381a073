import fs from 'node:fs/promises';
import path from 'node:path';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { aboutRoutes } from './about.js';
import { playerBuildDir } from './player.js';
import type { AboutInfo, FfmpegBuild } from '../../contract/about-api.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { buildTimeoutMs, ensureBuilt } from '../../test-support/built.js';
import { makeTempDir } from '../../test-support/temp-dir.js';

const build: FfmpegBuild = {
  target: 'linux-x64',
  version: '7.1',
  licence: 'GPL-3.0-or-later',
  licenceFile: 'LICENSE.txt',
  sources: [{ url: 'https://example.com/ffmpeg-7.1.tar.xz', sha256: 'a'.repeat(64), provides: ['ffmpeg', 'ffprobe'], version: '7.1' }],
  files: { ffmpeg: 'b'.repeat(64), ffprobe: 'c'.repeat(64) },
  placedAt: '2026-01-02T03:04:05.000Z',
};

async function about(resources: string | null, hlsJsLicenceFile = '/nonexistent/hls.js-LICENSE.txt'): Promise<AboutInfo> {
  const app = Fastify();
  await app.register(aboutRoutes({ version: '1.2.3', bundledResourcesDir: resources, hlsJsLicenceFile }));
  const res = await app.inject({ url: '/api/about' });
  await app.close();
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('GET /api/about in the studio', () => {
  const ctx = useStudio();
  beforeAll(() => ensureBuilt(), buildTimeoutMs);

  it('is for the admin, and says there is no bundled ffmpeg outside the desktop app', async () => {
    const { studio, urls, api } = ctx();
    expect(studio.app.routeTable).toContainEqual({ method: 'GET', url: '/api/about', access: 'admin' });
    expect((await fetch(new URL('/api/about', urls.http))).status).toBe(401);
    const res = await api('/api/about');
    expect(res.status).toBe(200);
    const body = (await res.json()) as AboutInfo;
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.ffmpeg).toBeNull();
    // hls.js, served to every browser that opens the player page, with the licence the build copied beside it.
    expect(body.notices).toEqual([{ name: 'hls.js', licence: 'Apache-2.0', text: await fs.readFile(path.join(playerBuildDir, 'hls.js-LICENSE.txt'), 'utf8') }]);
    expect(body.notices[0]!.text).toContain('Apache License');
  });
});

describe('GET /api/about with a bundled ffmpeg', () => {
  it('gives the bundled build record and its licence text', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      await fs.mkdir(path.join(dir, 'ffmpeg'));
      await fs.writeFile(path.join(dir, 'ffmpeg', 'BUILD.json'), JSON.stringify(build));
      await fs.writeFile(path.join(dir, 'ffmpeg', 'LICENSE.txt'), 'GNU GENERAL PUBLIC LICENSE\n');
      expect(await about(dir)).toEqual({ version: '1.2.3', ffmpeg: { build, licenceText: 'GNU GENERAL PUBLIC LICENSE\n' }, notices: [] });

      await fs.rm(path.join(dir, 'ffmpeg', 'LICENSE.txt'));
      expect((await about(dir)).ffmpeg).toEqual({ build, licenceText: null });

      // The record names a licence file; only a plain name beside it is read.
      await fs.writeFile(path.join(dir, 'secret.txt'), 'not for the About page');
      await fs.writeFile(path.join(dir, 'ffmpeg', 'BUILD.json'), JSON.stringify({ ...build, licenceFile: '../secret.txt' }));
      expect((await about(dir)).ffmpeg?.licenceText).toBeNull();
    } finally {
      await cleanup();
    }
  });

  it('shows no ffmpeg for a missing, broken or foreign BUILD.json', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      expect((await about(dir)).ffmpeg).toBeNull();
      await fs.mkdir(path.join(dir, 'ffmpeg'));
      await fs.writeFile(path.join(dir, 'ffmpeg', 'BUILD.json'), '{"target":');
      expect((await about(dir)).ffmpeg).toBeNull();
      await fs.writeFile(path.join(dir, 'ffmpeg', 'BUILD.json'), JSON.stringify({ ...build, sources: 'somewhere' }));
      expect((await about(dir)).ffmpeg).toBeNull();
    } finally {
      await cleanup();
    }
  });
});
