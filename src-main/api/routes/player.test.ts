import fs from 'node:fs/promises';
import path from 'node:path';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { playerAssetRoutes, playerBuildDir } from './player.js';
import { installErrorHandlers } from '../../http/problem-reply.js';
import { appRoot } from '../../version.js';
import { buildTimeoutMs, ensureBuilt } from '../../test-support/built.js';
import { makeTempDir } from '../../test-support/temp-dir.js';

async function get(url: string, builtDir?: string) {
  const app = Fastify();
  installErrorHandlers(app);
  await app.register(playerAssetRoutes(path.join(appRoot, 'resources'), builtDir));
  const res = await app.inject({ url });
  await app.close();
  return res;
}

describe('the player page scripts', () => {
  beforeAll(() => ensureBuilt(), buildTimeoutMs);

  it('serves the hls.js the build copied into dist/player, with its licence beside it', async () => {
    const hls = await get('/player/hls.min.js');
    expect(hls.statusCode).toBe(200);
    expect(hls.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(hls.rawPayload.equals(await fs.readFile(path.join(appRoot, 'node_modules/hls.js/dist/hls.min.js')))).toBe(true);
    expect(path.relative(appRoot, playerBuildDir)).toBe(path.join('dist', 'player'));

    const licence = await get('/player/hls.js-LICENSE.txt');
    expect(licence.statusCode).toBe(200);
    expect(licence.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(licence.body).toContain('Apache License');

    expect((await get('/player/embed.js')).statusCode).toBe(200);
  });

  it('says how to get it when the build has not copied it', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const res = await get('/player/hls.min.js', dir);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'Player file missing', detail: `${path.join(dir, 'hls.min.js')} is not there: run npm run build` });
    } finally {
      await cleanup();
    }
  });
});
