import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { distTargets, ffmpegMissingMessage, missingFfmpegFiles, packTarget, parseDistArgs, releaseStatus, updateFeedStatus } from './dist-check.mjs';

const root = path.resolve(import.meta.dirname, '..');
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));
const linuxHost = { platform: 'linux', arch: 'x64' };

describe('dist: which targets a run builds', () => {
  it('follows the flags, then the archs electron-builder.yml lists, then this machine', () => {
    expect(distTargets(parseDistArgs([]), config, linuxHost)).toEqual(['linux-x64']);
    expect(distTargets(parseDistArgs([]), config, { platform: 'mac', arch: 'arm64' })).toEqual(['mac-x64', 'mac-arm64']);
    expect(distTargets(parseDistArgs(['--win']), config, linuxHost)).toEqual(['win-x64', 'win-arm64']);
    expect(distTargets(parseDistArgs(['--win', '--arm64']), config, linuxHost)).toEqual(['win-arm64']);
    expect(distTargets(parseDistArgs(['--linux', '--mac', '--x64', '--dir']), config, linuxHost)).toEqual(['linux-x64', 'mac-x64']);
    expect(() => parseDistArgs(['--publish', 'always'])).toThrow(/unknown option --publish/);
  });

  it('names the folder of each pack as extraResources does', () => {
    // electron-builder hands the hook its Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4.
    expect(packTarget('win32', 1)).toBe('win-x64');
    expect(packTarget('darwin', 3)).toBe('mac-arm64');
    expect(packTarget('linux', 'x64')).toBe('linux-x64');
    expect(packTarget('darwin', 4)).toBe('mac-universal');
  });
});

describe('dist: a target without its ffmpeg stops the build', () => {
  it('lists what is missing and how to fetch it', () => {
    const present = new Set(['resources/ffmpeg/win-x64/ffmpeg.exe', 'resources/ffmpeg/win-x64/BUILD.json']);
    const missing = missingFfmpegFiles('win-x64', (rel: string) => present.has(rel));
    expect(missing).toEqual(['resources/ffmpeg/win-x64/ffprobe.exe', 'resources/ffmpeg/win-x64/LICENSE.txt']);
    expect(missingFfmpegFiles('linux-arm64', () => false)).toEqual([
      'resources/ffmpeg/linux-arm64/ffmpeg',
      'resources/ffmpeg/linux-arm64/ffprobe',
      'resources/ffmpeg/linux-arm64/LICENSE.txt',
      'resources/ffmpeg/linux-arm64/BUILD.json',
    ]);
    expect(missingFfmpegFiles('mac-x64', () => true)).toEqual([]);
    const message = ffmpegMissingMessage('win-x64', missing);
    expect(message).toContain('resources/ffmpeg/win-x64/ffprobe.exe');
    expect(message).toContain('npm run ffmpeg -- --target win-x64');
  });
});

describe('dist: signing, notarization and the update feed, from the environment', () => {
  const states = (platform: string, env: Record<string, string>) => releaseStatus(platform, env).map((l: { step: string; state: string }) => `${l.step}: ${l.state}`);

  it('says plainly what is skipped when nothing is set', () => {
    expect(releaseStatus('win', {})).toEqual([{ step: 'Windows signing', state: 'skipped', detail: expect.stringMatching(/^CSC_LINK \(or WIN_CSC_LINK\) not set/) }]);
    expect(releaseStatus('mac', {})).toEqual([
      { step: 'macOS signing', state: 'skipped', detail: expect.stringMatching(/^CSC_LINK not set/) },
      { step: 'macOS notarization', state: 'skipped', detail: expect.stringMatching(/^APPLE_API_KEY \+ APPLE_API_KEY_ID \+ APPLE_API_ISSUER \(or APPLE_ID .*\) not set/) },
    ]);
    expect(states('linux', {})).toEqual(['Linux signing: skipped']);
    expect(updateFeedStatus({})).toMatchObject({ state: 'skipped', detail: expect.stringMatching(/^FRAMEHOUSE_UPDATE_URL not set/) });
  });

  it('signs Windows with CSC_LINK or WIN_CSC_LINK, and says when the password is missing', () => {
    expect(releaseStatus('win', { CSC_LINK: '/c.p12', CSC_KEY_PASSWORD: 'p' })[0]).toMatchObject({ state: 'on', detail: 'with the certificate in CSC_LINK (password from CSC_KEY_PASSWORD)' });
    expect(releaseStatus('win', { CSC_LINK: '/mac.p12', WIN_CSC_LINK: '/win.p12', WIN_CSC_KEY_PASSWORD: 'p' })[0]).toMatchObject({ state: 'on', detail: 'with the certificate in WIN_CSC_LINK (password from WIN_CSC_KEY_PASSWORD)' });
    expect(releaseStatus('win', { WIN_CSC_LINK: '/win.p12' })[0].detail).toContain('CSC_KEY_PASSWORD not set');
    expect(releaseStatus('win', { CSC_LINK: '  ' })[0].state).toBe('skipped');
  });

  it('notarizes with either credential set, and stops on half of one', () => {
    expect(states('mac', { CSC_LINK: '/c.p12', APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' })).toEqual(['macOS signing: on', 'macOS notarization: on']);
    expect(states('mac', { CSC_LINK: '/c.p12', APPLE_ID: 'a@b', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' })).toEqual(['macOS signing: on', 'macOS notarization: on']);
    expect(releaseStatus('mac', { APPLE_ID: 'a@b', APPLE_TEAM_ID: 'T' })[1]).toMatchObject({ state: 'error', detail: 'APPLE_ID, APPLE_TEAM_ID set but APPLE_APP_SPECIFIC_PASSWORD not: set all of APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID' });
    expect(releaseStatus('mac', { APPLE_API_KEY_ID: 'K' })[1]).toMatchObject({ state: 'error', detail: expect.stringContaining('APPLE_API_KEY, APPLE_API_ISSUER not') });
    expect(states('mac', { CSC_NAME: 'Developer ID Application: X' })).toEqual(['macOS signing: on', 'macOS notarization: skipped']);
  });

  it('takes an https update feed only', () => {
    expect(updateFeedStatus({ FRAMEHOUSE_UPDATE_URL: 'https://updates.example.com/framehouse/' })).toMatchObject({ state: 'on', detail: expect.stringContaining('https://updates.example.com/framehouse/') });
    expect(updateFeedStatus({ FRAMEHOUSE_UPDATE_URL: 'http://updates.example.com/' }).state).toBe('error');
    expect(updateFeedStatus({ FRAMEHOUSE_UPDATE_URL: 'updates' }).state).toBe('error');
  });
});

describe('electron-builder.yml', () => {
  it('hardens the Electron binary with the fuses, unpacks only the SQLite module, and ships the player and the licence', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asarUnpack).toEqual(['node_modules/better-sqlite3/build/Release/better_sqlite3.node']);
    expect(config.asar).toEqual({ smartUnpack: false });
    expect(config.files).toContain('dist/player/**');
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.FRAMEHOUSE_UPDATE_URL}' });
    expect(config.beforePack).toBe('./scripts/dist-before-pack.mjs');
    expect(fs.existsSync(path.join(root, config.beforePack))).toBe(true);
    for (const licence of [config.nsis.license, config.dmg.license]) {
      expect(fs.readFileSync(path.join(root, config.directories.buildResources, licence), 'utf8')).toMatch(/FFmpeg[\s\S]*GNU General Public License/);
    }
  });
});
