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
  it('matches the folder Electron uses for userData on each platform', () => {
    expect(defaultDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.config/Framehouse');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/Framehouse');
    expect(defaultDataDir('darwin', {}, '/Users/ana')).toBe('/Users/ana/Library/Application Support/Framehouse');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toBe('C:\\Users\\ana\\AppData\\Roaming\\Framehouse');
  });
});
