import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readStartupOptions, UsageError } from './startup-options.js';
import { defaultDataDir } from './data-dir.js';

describe('startup options', () => {
  it('reads every setting from the command line and the environment into separate layers', () => {
    const options = readStartupOptions(
      ['--http-port', '0', '--host', '0.0.0.0', '--allowed-hosts', 'studio.lan, cam.lan', '--data-dir', 'rel/dir'],
      { FRAMEHOUSE_HTTP_PORT: '9000', FRAMEHOUSE_RTMP_PORT: '1936', FRAMEHOUSE_LOG_LEVEL: 'debug', FRAMEHOUSE_VIEWER_THRESHOLDS: '10, 100' },
    );
    expect(options.cli).toEqual({ httpPort: 0, host: '0.0.0.0', allowedHosts: ['studio.lan', 'cam.lan'] });
    expect(options.env).toEqual({ httpPort: 9000, rtmpPort: 1936, logLevel: 'debug', viewerThresholds: [10, 100] });
    expect(options.dataDir).toBe(path.resolve('rel/dir'));
    expect(options.adminToken).toBeNull();
  });

  it('takes the data dir and token from the environment when the command line has none', () => {
    const options = readStartupOptions([], { FRAMEHOUSE_DATA_DIR: '/srv/fh', FRAMEHOUSE_ADMIN_TOKEN: 'x'.repeat(20) });
    expect(options.dataDir).toBe(path.resolve('/srv/fh'));
    expect(options.adminToken).toBe('x'.repeat(20));
    expect(readStartupOptions([], {}).dataDir).toBe(path.resolve(defaultDataDir()));
  });

  it.each([
    [['--http-port', 'abc'], /--http-port: .*integer.*"abc"/],
    [['--http-port', '70000'], /--http-port: .*65535/],
    [['--log-level', 'loud'], /--log-level/],
    [['--no-such-option'], /no-such-option/],
    [['--admin-token', 'short'], /at least 16/],
    [['--viewer-thresholds', '10,lots'], /--viewer-thresholds: .*integer.*"10,lots"/],
  ])('refuses %j with a message naming the option', (argv, message) => {
    expect(() => readStartupOptions(argv, {})).toThrow(UsageError);
    expect(() => readStartupOptions(argv, {})).toThrow(message);
  });

  it('names the environment variable when its value is wrong', () => {
    expect(() => readStartupOptions([], { FRAMEHOUSE_SRT_PORT: '-1' })).toThrow(/FRAMEHOUSE_SRT_PORT/);
  });
});

describe('default data dir', () => {
  const none = () => false;
  it('keeps video out of roaming and config folders', () => {
    expect(defaultDataDir('linux', {}, '/home/ana', none)).toBe('/home/ana/.local/share/Framehouse');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/ana', none)).toBe('/data/Framehouse');
    expect(defaultDataDir('darwin', {}, '/Users/ana', none)).toBe('/Users/ana/Library/Application Support/Framehouse');
    const win = { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' };
    expect(defaultDataDir('win32', win, 'C:\\Users\\ana', none)).toBe('C:\\Users\\ana\\AppData\\Local\\Framehouse');
    expect(defaultDataDir('win32', {}, 'C:\\Users\\ana', none)).toBe('C:\\Users\\ana\\AppData\\Local\\Framehouse');
  });

  it('keeps using a studio an earlier version made in the old folder', () => {
    const old = (dir: string) => dir.includes('Roaming') || dir.includes('.config');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana', old)).toBe('C:\\Users\\ana\\AppData\\Roaming\\Framehouse');
    expect(defaultDataDir('linux', {}, '/home/ana', old)).toBe('/home/ana/.config/Framehouse');
  });
});
