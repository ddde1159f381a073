import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigService } from './config-service.js';
import { readConfigFile } from './config-file.js';
import { useTempDir } from '../test-support/temp-dir.js';

const tempDir = useTempDir();

describe('config file', () => {
  it('keeps a corrupt file as config.json.bad and starts from defaults', async () => {
    const file = path.join(tempDir(), 'config.json');
    await fs.writeFile(file, '{"httpPort": 90');
    const { config, fileRead } = await ConfigService.load(file, { env: {}, cli: {} });
    expect(config.settings.httpPort).toBe(8935);
    expect(fileRead.ignored[0]?.key).toBe('*');
    expect(await fs.readFile(`${file}.bad`, 'utf8')).toBe('{"httpPort": 90');
  });

  it('ignores unknown and ill-typed keys, keeps the good ones, and never overwrites an older .bad', async () => {
    const file = path.join(tempDir(), 'config.json');
    await fs.writeFile(`${file}.bad`, 'older');
    const original = JSON.stringify({ httpPort: 9100, rtmpPort: 'x', colour: 'blue' });
    await fs.writeFile(file, original);
    const { config, fileRead } = await ConfigService.load(file, { env: {}, cli: {} });
    expect(config.settings.httpPort).toBe(9100);
    expect(config.settings.rtmpPort).toBe(1935);
    expect(fileRead.ignored.map((i) => i.key).sort()).toEqual(['colour', 'rtmpPort']);
    expect(await fs.readFile(`${file}.bad`, 'utf8')).toBe('older');
    expect(await fs.readFile(`${file}.bad.1`, 'utf8')).toBe(original);
    // The file itself is rewritten clean, so the next start has nothing to complain about.
    expect((await readConfigFile(file)).ignored).toEqual([]);
  });
});

describe('config layers', () => {
  it('command line beats environment beats file beats default', async () => {
    const file = path.join(tempDir(), 'config.json');
    await fs.writeFile(file, JSON.stringify({ httpPort: 1, rtmpPort: 2, srtPort: 3 }));
    const { config } = await ConfigService.load(file, { env: { httpPort: 10, rtmpPort: 20 }, cli: { httpPort: 100 } });
    expect(config.settings).toMatchObject({ httpPort: 100, rtmpPort: 20, srtPort: 3, host: '127.0.0.1' });
    expect(config.sources()).toMatchObject({ httpPort: 'cli', rtmpPort: 'env', srtPort: 'file', host: 'default' });
    expect(config.pinned().sort()).toEqual(['httpPort', 'rtmpPort']);
  });

  it('saves API changes to the file atomically and applies pinned ones for this run only', async () => {
    const file = path.join(tempDir(), 'config.json');
    const { config } = await ConfigService.load(file, { env: {}, cli: { httpPort: 100 } });
    const changes: string[][] = [];
    config.on('change', (c) => changes.push(c.changed));
    await config.update({ httpPort: 200, logLevel: 'debug' });
    expect(config.settings).toMatchObject({ httpPort: 200, logLevel: 'debug' });
    expect(config.sources().httpPort).toBe('api');
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ httpPort: 200, logLevel: 'debug' });
    expect(changes).toEqual([['httpPort', 'logLevel']]);
    expect((await fs.readdir(tempDir())).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const restarted = await ConfigService.load(file, { env: {}, cli: { httpPort: 100 } });
    expect(restarted.config.settings.httpPort).toBe(100);
    expect(restarted.config.settings.logLevel).toBe('debug');
  });
});
