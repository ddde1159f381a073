import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ffmpegCandidates, locateFfmpeg, parseFfmpegVersion, whichExecutable } from './ffmpeg-locator.js';
import { ProcessRegistry } from './process-registry.js';
import { useTempDir } from '../test-support/temp-dir.js';

const processes = new ProcessRegistry(pino({ level: 'silent' }));
const tempDir = useTempDir();

describe('ffmpeg locator', () => {
  it('orders candidates: setting, FFMPEG_PATH, bundled, PATH', async () => {
    const list = await ffmpegCandidates({ setting: '/opt/a/ffmpeg', env: { FFMPEG_PATH: '/opt/b/ffmpeg', PATH: process.env.PATH }, resourcesDir: '/app/resources', platform: 'linux' });
    expect(list.map((c) => c.source)).toEqual(['setting', 'env', 'bundled', 'path']);
    expect(list[2]?.path).toBe(path.join('/app/resources', 'ffmpeg', 'ffmpeg'));
  });

  it('on macOS started from Finder (launchd PATH) finds Homebrew and MacPorts builds, after the bundled one', async () => {
    const installed = new Set(['/opt/homebrew/bin/ffmpeg', '/opt/local/bin/ffmpeg', '/usr/local/bin/ffprobe']);
    const isExecutable = async (file: string) => installed.has(file);
    const finderPath = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };
    const packaged = await ffmpegCandidates({ setting: '', env: finderPath, resourcesDir: '/Applications/Framehouse.app/Contents/Resources', platform: 'darwin', home: '/Users/ana', isExecutable });
    expect(packaged).toEqual([
      { path: '/Applications/Framehouse.app/Contents/Resources/ffmpeg/ffmpeg', source: 'bundled' },
      { path: '/opt/homebrew/bin/ffmpeg', source: 'package-manager' },
      { path: '/opt/local/bin/ffmpeg', source: 'package-manager' },
    ]);
    // From a terminal, Homebrew is on PATH: listed once, as PATH.
    const terminal = await ffmpegCandidates({ setting: '', env: { PATH: '/opt/homebrew/bin:/usr/bin' }, resourcesDir: null, platform: 'darwin', home: '/Users/ana', isExecutable });
    expect(terminal).toEqual([
      { path: '/opt/homebrew/bin/ffmpeg', source: 'path' },
      { path: '/opt/local/bin/ffmpeg', source: 'package-manager' },
    ]);
    // Intel Homebrew (/usr/local) only.
    const intel = await ffmpegCandidates({ setting: '', env: finderPath, resourcesDir: null, platform: 'darwin', home: '/Users/ana', isExecutable: async (f) => f === '/usr/local/bin/ffmpeg' });
    expect(intel).toEqual([{ path: '/usr/local/bin/ffmpeg', source: 'package-manager' }]);
  });

  it('skips a setting that points nowhere, says why, and falls back to PATH', async () => {
    const env = { PATH: process.env.PATH };
    const result = await locateFfmpeg(await ffmpegCandidates({ setting: path.join(tempDir(), 'missing-ffmpeg'), env, resourcesDir: null }), processes, env);
    expect(result.found).toBe(true);
    if (!result.found) return;
    expect(result.source).toBe('path');
    expect(result.version).toMatch(/^\d+\.\d+/);
    expect(result.ffprobePath).toMatch(/ffprobe/);
    expect(result.skipped[0]?.reason).toMatch(/setting: .*ENOENT/);
  });

  it('rejects a file that is not ffmpeg and explains how to fix it when nothing works', async () => {
    const fake = path.join(tempDir(), 'ffmpeg');
    await fs.writeFile(fake, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    const env = { PATH: tempDir() };
    const result = await locateFfmpeg(await ffmpegCandidates({ setting: '', env, resourcesDir: null }), processes, env);
    expect(result.found).toBe(false);
    if (result.found) return;
    expect(result.reason).toMatch(/^ffmpeg not found: set FFMPEG_PATH/);
    expect(result.skipped).toHaveLength(1);
  });

  it('parses versions and finds executables on PATH', async () => {
    expect(parseFfmpegVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024')).toBe('5.1.6-0+deb12u1');
    expect(parseFfmpegVersion('ffmpeg version n7.1 Copyright')).toBe('n7.1');
    expect(parseFfmpegVersion('garbage')).toBeNull();
    expect(await whichExecutable('sh')).toMatch(/\/sh$/);
    expect(await whichExecutable('surely-not-a-command-here')).toBeNull();
  });
});
