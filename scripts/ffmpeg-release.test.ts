import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tar from 'tar';
import { Value } from 'typebox/value';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  archiveKind,
  binaryFits,
  binaryTarget,
  checkManifest,
  hostTarget,
  meetsMinimum,
  parseArgs,
  parseFfmpegVersion,
  pickEntries,
  pinnedArchives,
  release,
  unsafeEntry,
} from './ffmpeg-release-lib.mjs';
import { FfmpegBuild } from '../src-main/contract/about-api.js';

const root = path.resolve(import.meta.dirname, '..');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const fakeTool = (name: string) => `#!/bin/sh\necho "${name} version 7.1-fixture Copyright (c) 2000-2025 the FFmpeg developers"\n`;

/** A zip of stored (uncompressed) entries: enough for unzipper, and no zip library needed here. */
function zip(entries: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const crc = zlib.crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, e.data);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** A folder laid out like a real build (a versioned top folder, bin/, the licence at the top). */
function buildTree(dir: string, files: Record<string, string | Buffer>) {
  for (const [rel, data] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data, { mode: 0o755 });
  }
}

async function tarGz(dir: string, top: string, file: string): Promise<Buffer> {
  await tar.c({ gzip: true, file, cwd: dir, portable: true }, [top]);
  return fs.readFileSync(file);
}

const host = hostTarget();
const exe = host.startsWith('win-') ? '.exe' : '';

let tmp: string;
let out: string;
let server: http.Server;
let base: string;
const served = new Map<string, Buffer>();
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    if (!body) res.writeHead(404).end('not here');
    else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ffmpeg-release-test-'));
  out = path.join(tmp, 'out');
  fs.mkdirSync(out);
  served.clear();
  requests.length = 0;
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function manifestFor(target: string, archives: { url: string; sha256: string | null; provides: string[]; version?: string }[], licence = 'GPL-3.0-or-later') {
  return checkManifest({ targets: { [target]: { licence, archives } } });
}

/** The usual fixture: ffmpeg-7.1/bin/{ffmpeg,ffprobe} and ffmpeg-7.1/LICENSE.txt, as a .tar.gz. */
async function serveTarGz(files?: Record<string, string>) {
  const src = path.join(tmp, 'src');
  buildTree(src, files ?? { [`ffmpeg-7.1/bin/ffmpeg${exe}`]: fakeTool('ffmpeg'), [`ffmpeg-7.1/bin/ffprobe${exe}`]: fakeTool('ffprobe'), 'ffmpeg-7.1/LICENSE.txt': 'fixture licence text\n' });
  const data = await tarGz(src, 'ffmpeg-7.1', path.join(tmp, 'build.tar.gz'));
  served.set('/builds/ffmpeg-7.1.tar.gz', data);
  return { url: `${base}/builds/ffmpeg-7.1.tar.gz`, data };
}

const leftovers = () => fs.readdirSync(out);

describe('ffmpeg-release: download, verify, place', () => {
  it('places the binaries, the licence and BUILD.json when the SHA-256 matches', async () => {
    const { url, data } = await serveTarGz();
    const manifest = manifestFor(host, [{ url, sha256: sha256(data), provides: ['ffmpeg', 'ffprobe'], version: '7.1' }]);
    const { dir, record } = await release({ target: host, manifest, out, now: () => new Date('2026-01-02T03:04:05Z') });

    expect(dir).toBe(path.join(out, host));
    expect(fs.readdirSync(dir).sort()).toEqual(['BUILD.json', 'LICENSE.txt', `ffmpeg${exe}`, `ffprobe${exe}`].sort());
    expect(fs.readFileSync(path.join(dir, 'LICENSE.txt'), 'utf8')).toBe('fixture licence text\n');
    if (!exe) expect(fs.statSync(path.join(dir, 'ffmpeg')).mode & 0o111).not.toBe(0);
    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'BUILD.json'), 'utf8'));
    expect(onDisk).toEqual(record);
    expect(onDisk).toMatchObject({
      target: host,
      // It ran here, so its own -version answer is what was recorded.
      version: exe ? '7.1' : '7.1-fixture',
      licence: 'GPL-3.0-or-later',
      licenceFile: 'LICENSE.txt',
      sources: [{ url, sha256: sha256(data), provides: ['ffmpeg', 'ffprobe'], version: '7.1' }],
      files: { [`ffmpeg${exe}`]: sha256(Buffer.from(fakeTool('ffmpeg'))), [`ffprobe${exe}`]: sha256(Buffer.from(fakeTool('ffprobe'))) },
      placedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(leftovers()).toEqual([host]);
    // What GET /api/about reads back in the installed app.
    expect(Value.Check(FfmpegBuild, onDisk)).toBe(true);
  });

  it('refuses a download whose SHA-256 differs, and leaves the folder that was there alone', async () => {
    const { url, data } = await serveTarGz();
    const previous = path.join(out, host);
    buildTree(previous, { 'BUILD.json': '{"version":"old"}' });
    const manifest = manifestFor(host, [{ url, sha256: sha256(Buffer.concat([data, Buffer.from('x')])), provides: ['ffmpeg', 'ffprobe'] }]);

    await expect(release({ target: host, manifest, out })).rejects.toThrow(/SHA-256 mismatch for .*ffmpeg-7\.1\.tar\.gz: expected [0-9a-f]{64}, got [0-9a-f]{64}\. Nothing was unpacked or placed/);
    expect(requests).toEqual(['/builds/ffmpeg-7.1.tar.gz']);
    expect(fs.readdirSync(previous)).toEqual(['BUILD.json']);
    expect(fs.readFileSync(path.join(previous, 'BUILD.json'), 'utf8')).toBe('{"version":"old"}');
    expect(leftovers()).toEqual([host]);
  });

  it('refuses an archive without one of the binaries, placing nothing', async () => {
    const { url, data } = await serveTarGz({ [`ffmpeg-7.1/bin/ffmpeg${exe}`]: fakeTool('ffmpeg'), 'ffmpeg-7.1/LICENSE.txt': 'x' });
    const manifest = manifestFor(host, [{ url, sha256: sha256(data), provides: ['ffmpeg', 'ffprobe'] }]);
    await expect(release({ target: host, manifest, out })).rejects.toThrow(`has no ffprobe${exe}`);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a target that is not pinned, without downloading anything', async () => {
    const { url } = await serveTarGz();
    const manifest = manifestFor(host, [{ url, sha256: null, provides: ['ffmpeg', 'ffprobe'] }]);
    await expect(release({ target: host, manifest, out })).rejects.toThrow(new RegExp(`^not pinned: ${host} ffmpeg \\+ ffprobe from ${url.replace(/[.?]/g, '\\$&')} has no verified SHA-256`));
    const other = host === 'linux-x64' ? 'win-arm64' : 'linux-x64';
    await expect(release({ target: other, manifest, out })).rejects.toThrow(`not pinned: ${other} has no entry in`);
    expect(requests).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('takes ffmpeg and ffprobe from separate zips, and ships the GPL text when they carry no licence', async () => {
    // As evermeet.cx publishes macOS builds: one zip per binary, nothing else inside.
    const a = zip([{ name: 'ffmpeg.exe', data: Buffer.from(fakeTool('ffmpeg')) }]);
    const b = zip([{ name: 'ffprobe.exe', data: Buffer.from(fakeTool('ffprobe')) }]);
    served.set('/a.zip', a);
    served.set('/b.zip', b);
    const manifest = manifestFor('win-x64', [
      { url: `${base}/a.zip`, sha256: sha256(a), provides: ['ffmpeg'], version: '7.1.1' },
      { url: `${base}/b.zip`, sha256: sha256(b), provides: ['ffprobe'], version: '7.1.1' },
    ]);
    const { dir, record } = await release({ target: 'win-x64', manifest, out });
    expect(fs.readFileSync(path.join(dir, 'ffmpeg.exe'), 'utf8')).toBe(fakeTool('ffmpeg'));
    expect(fs.readFileSync(path.join(dir, 'ffprobe.exe'), 'utf8')).toBe(fakeTool('ffprobe'));
    expect(fs.readFileSync(path.join(dir, 'LICENSE.txt'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'resources/ffmpeg/COPYING.GPLv3'), 'utf8'));
    expect(record).toMatchObject({ version: '7.1.1', sources: [{ url: `${base}/a.zip`, sha256: sha256(a) }, { url: `${base}/b.zip`, sha256: sha256(b) }] });
  });

  it('unpacks .tar.xz with the system tar', async () => {
    const src = path.join(tmp, 'src');
    buildTree(src, { [`b/bin/ffmpeg${exe}`]: fakeTool('ffmpeg'), [`b/bin/ffprobe${exe}`]: fakeTool('ffprobe'), 'b/COPYING.LGPLv2.1': 'lgpl\n' });
    const file = path.join(tmp, 'b.tar.xz');
    expect(spawnSync('tar', ['-cJf', file, '-C', src, 'b']).status).toBe(0);
    const data = fs.readFileSync(file);
    served.set('/b.tar.xz', data);
    const manifest = manifestFor(host, [{ url: `${base}/b.tar.xz`, sha256: sha256(data), provides: ['ffmpeg', 'ffprobe'] }], 'LGPL-2.1-or-later');
    const { dir } = await release({ target: host, manifest, out });
    expect(fs.readFileSync(path.join(dir, 'LICENSE.txt'), 'utf8')).toBe('lgpl\n');
  });

  it('refuses a binary built for another target', async () => {
    const elf = Buffer.alloc(64);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    elf.writeUInt16LE(0x3e, 18);
    const a = zip([
      { name: 'bin/ffmpeg.exe', data: elf },
      { name: 'bin/ffprobe.exe', data: elf },
      { name: 'LICENSE', data: Buffer.from('l') },
    ]);
    served.set('/a.zip', a);
    const manifest = manifestFor('win-arm64', [{ url: `${base}/a.zip`, sha256: sha256(a), provides: ['ffmpeg', 'ffprobe'] }]);
    await expect(release({ target: 'win-arm64', manifest, out })).rejects.toThrow('ffmpeg.exe is a linux-x64 executable, not win-arm64');
    expect(leftovers()).toEqual([]);
  });
});

describe('ffmpeg-release --from: a build the user supplies', () => {
  it('records the SHA-256 it computed of a local archive', async () => {
    const src = path.join(tmp, 'src');
    buildTree(src, { 'x/ffmpeg': fakeTool('ffmpeg'), 'x/ffprobe': fakeTool('ffprobe'), 'x/COPYING': 'c\n' });
    const file = path.join(tmp, 'mine.tar.gz');
    const data = await tarGz(src, 'x', file);
    const { record } = await release({ target: 'linux-arm64', manifest: null, out, from: file, version: '7.0.2' });
    expect(record).toMatchObject({ version: host === 'linux-arm64' ? '7.1-fixture' : '7.0.2', licence: 'unknown: see LICENSE.txt', sources: [{ sha256: sha256(data), url: expect.stringMatching(/^file:.*mine\.tar\.gz$/) }] });
    expect(requests).toEqual([]);
  });

  it('needs a licence for a folder that carries none', async () => {
    const src = path.join(tmp, 'build');
    buildTree(src, { 'ffmpeg': fakeTool('ffmpeg'), 'ffprobe': fakeTool('ffprobe') });
    await expect(release({ target: 'mac-arm64', manifest: null, out, from: src })).rejects.toThrow(/^no licence text: .* Nothing was placed\.$/);
    expect(leftovers()).toEqual([]);
    const { dir, record } = await release({ target: 'mac-arm64', manifest: null, out, from: src, licence: 'LGPL-2.1-or-later' });
    expect(fs.readFileSync(path.join(dir, 'LICENSE.txt'), 'utf8')).toContain('GNU LESSER GENERAL PUBLIC LICENSE');
    expect(record).toMatchObject({ licence: 'LGPL-2.1-or-later', version: 'unknown', sources: [{ sha256: null }] });
  });
});

describe('ffmpeg-release: the CLI and the real manifest', () => {
  it('says "not pinned" and exits 1 for a target without a verified pin', () => {
    const manifest = path.join(tmp, 'builds.json');
    fs.writeFileSync(manifest, JSON.stringify({ targets: { 'linux-x64': { licence: 'GPL-3.0', archives: [{ url: 'https://example.invalid/f.tar.xz', sha256: null, provides: ['ffmpeg', 'ffprobe'] }] } } }));
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/ffmpeg-release.mjs'), '--manifest', manifest, '--out', out, '--target', 'linux-x64'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ffmpeg-release: linux-x64: not pinned: linux-x64 ffmpeg \+ ffprobe from https:\/\/example\.invalid\/f\.tar\.xz has no verified SHA-256/);
    expect(r.stderr).toContain('--from <archive or folder>');
  });

  it('keeps builds.json well formed: every archive pinned by a real digest or openly not pinned', () => {
    const manifest = checkManifest(JSON.parse(fs.readFileSync(path.join(root, 'resources/ffmpeg/builds.json'), 'utf8')));
    expect(Object.keys(manifest.targets).sort()).toEqual(['linux-arm64', 'linux-x64', 'mac-arm64', 'mac-x64', 'win-arm64', 'win-x64']);
    for (const target of Object.keys(manifest.targets)) {
      let archives: { sha256: string }[] | null = null;
      try {
        archives = pinnedArchives(manifest, target);
      } catch (err) {
        expect((err as Error).message).toMatch(/^not pinned: /);
      }
      for (const a of archives ?? []) expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('ffmpeg-release: the small decisions', () => {
  it('names the machine as electron-builder does', () => {
    expect(hostTarget('win32', 'x64')).toBe('win-x64');
    expect(hostTarget('darwin', 'arm64')).toBe('mac-arm64');
    expect(hostTarget('linux', 'arm64')).toBe('linux-arm64');
    expect(() => hostTarget('linux', 'ia32')).toThrow(/--target/);
  });

  it('knows archives by name', () => {
    expect(archiveKind('ffmpeg-7.1.zip')).toBe('zip');
    expect(archiveKind('/x/linux-x64-4.1.0.tgz')).toBe('tar.gz');
    expect(archiveKind('b.tar.gz')).toBe('tar.gz');
    expect(archiveKind('b.TAR.XZ')).toBe('tar.xz');
    expect(archiveKind('ffmpeg.7z')).toBeNull();
  });

  it('picks the binaries and the licence nearest the top, by exact name', () => {
    const entries = ['ffmpeg-7.1/doc/ffmpeg.html', 'ffmpeg-7.1/bin/ffmpeg', 'ffmpeg-7.1/bin/ffprobe', 'ffmpeg-7.1/tests/bin/ffmpeg', 'ffmpeg-7.1/LICENSE.txt', 'ffmpeg-7.1/doc/x/COPYING'];
    expect(pickEntries(entries, 'linux-x64')).toEqual({ ffmpeg: 'ffmpeg-7.1/bin/ffmpeg', ffprobe: 'ffmpeg-7.1/bin/ffprobe', licence: 'ffmpeg-7.1/LICENSE.txt' });
    expect(pickEntries(['package/ffprobe', 'package/README.md'], 'linux-x64')).toEqual({ ffmpeg: null, ffprobe: 'package/ffprobe', licence: null });
    expect(pickEntries(['b/BIN/FFMPEG.EXE', 'b/bin/ffprobe.exe', 'b/GPLv3.txt'], 'win-x64')).toEqual({ ffmpeg: 'b/BIN/FFMPEG.EXE', ffprobe: 'b/bin/ffprobe.exe', licence: 'b/GPLv3.txt' });
  });

  it('tells executables apart by their headers', () => {
    const elf = (machine: number) => Object.assign(Buffer.alloc(20), { 0: 0x7f, 1: 0x45, 2: 0x4c, 3: 0x46, 18: machine });
    expect(binaryTarget(elf(0x3e))).toBe('linux-x64');
    expect(binaryTarget(elf(0xb7))).toBe('linux-arm64');
    const macho = (cpu: number) => {
      const b = Buffer.alloc(8);
      b.writeUInt32LE(0xfeedfacf, 0);
      b.writeUInt32LE(cpu, 4);
      return b;
    };
    expect(binaryTarget(macho(0x01000007))).toBe('mac-x64');
    expect(binaryTarget(macho(0x0100000c))).toBe('mac-arm64');
    expect(binaryTarget(Buffer.from([0xca, 0xfe, 0xba, 0xbe]))).toBe('mac-universal');
    const pe = (machine: number) => {
      const b = Buffer.alloc(0x90);
      b.write('MZ', 0);
      b.writeUInt32LE(0x80, 0x3c);
      b.write('PE\0\0', 0x80, 'latin1');
      b.writeUInt16LE(machine, 0x84);
      return b;
    };
    expect(binaryTarget(pe(0x8664))).toBe('win-x64');
    expect(binaryTarget(pe(0xaa64))).toBe('win-arm64');
    expect(binaryTarget(Buffer.from('#!/bin/sh\n'))).toBeNull();
    expect(binaryFits('ffmpeg', 'mac-arm64', 'mac-universal')).toEqual({ ok: true, warning: null });
    expect(binaryFits('ffmpeg', 'mac-arm64', null)).toMatchObject({ ok: true, warning: expect.stringContaining('not an ELF') });
  });

  it('refuses archive entries that climb out of their folder', () => {
    expect(unsafeEntry('a/../../etc/passwd')).toBe(true);
    expect(unsafeEntry('/etc/passwd')).toBe(true);
    expect(unsafeEntry('C:\\x')).toBe(true);
    expect(unsafeEntry('./b/bin/ffmpeg')).toBe(false);
  });

  it('checks the manifest shape before anything is fetched', () => {
    const ok = { url: 'https://h/f.zip', sha256: null, provides: ['ffmpeg', 'ffprobe'] };
    expect(() => checkManifest({ targets: { 'linux-x64': { licence: 'GPL-3.0', archives: [{ ...ok, sha256: 'ABC' }] } } })).toThrow(/64 lowercase hex digits/);
    expect(() => checkManifest({ targets: { 'linux-x64': { licence: 'GPL-3.0', archives: [{ ...ok, url: 'https://h/f.7z' }] } } })).toThrow(/not a \.zip/);
    expect(() => checkManifest({ targets: { 'linux-x64': { licence: 'GPL-3.0', archives: [{ ...ok, provides: ['ffmpeg'] }] } } })).toThrow(/no archive provides ffprobe/);
    expect(() => checkManifest({ targets: { 'linux-ia32': { licence: 'GPL-3.0', archives: [ok] } } })).toThrow(/not a target/);
  });

  it('reads versions and the options', () => {
    expect(parseFfmpegVersion('ffmpeg version 7.1.1 Copyright (c) 2000-2025')).toBe('7.1.1');
    expect(parseFfmpegVersion('ffmpeg version N-47683-g0e8eb07980-static https://…')).toBe('N-47683-g0e8eb07980-static');
    expect(meetsMinimum('7.1.1')).toBe(true);
    expect(meetsMinimum('n5.1')).toBe(true);
    expect(meetsMinimum('5.0.3')).toBe(false);
    expect(meetsMinimum('N-47683-g0e8eb07980')).toBeNull();
    expect(parseArgs(['--target', 'win-x64', '--target=mac-arm64'])).toMatchObject({ targets: ['win-x64', 'mac-arm64'], all: false, from: null });
    expect(() => parseArgs(['--target', 'win-ia32'])).toThrow(/unknown target/);
    expect(() => parseArgs(['--all', '--from', 'x.zip'])).toThrow(/--from supplies one build/);
    expect(() => parseArgs(['--from'])).toThrow(/needs a value/);
  });
});
