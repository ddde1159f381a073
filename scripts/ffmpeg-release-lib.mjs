// The logic of scripts/ffmpeg-release.mjs: fetch the pinned ffmpeg + ffprobe for one
// installer target, prove the download is the pinned one before anything is unpacked, and
// place the binaries with their licence and a BUILD.json under resources/ffmpeg/<os>-<arch>/,
// where electron-builder's extraResources picks them up.
//
// Plain JS (as scripts/build.mjs) so it runs on a fresh checkout before anything is compiled.
// The decisions are small pure functions, exported for scripts/ffmpeg-release.test.ts.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Both come with electron-builder (app-builder-lib uses them to unpack Electron itself),
// so the release tooling needs no dependency of its own.
import * as tar from 'tar';
import unzipper from 'unzipper';

/** Installer targets, named as electron-builder's ${os}-${arch} (the extraResources folder). */
export const allTargets = ['win-x64', 'win-arm64', 'mac-x64', 'mac-arm64', 'linux-x64', 'linux-arm64'];

/** GPL/LGPL texts (COPYING.*) beside builds.json, for builds whose archive carries none. */
const defaultLicenceTexts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'ffmpeg');

/** What the studio needs from a build: -fps_mode and friends arrived in FFmpeg 5.1. */
export const minimumVersion = [5, 1];

/** A failure the user can act on: the CLI prints its message alone, without a stack. */
export class ReleaseError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/** The target of the machine this runs on, as electron-builder names it. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  const osName = { win32: 'win', darwin: 'mac', linux: 'linux' }[platform];
  const target = `${osName}-${arch}`;
  if (!allTargets.includes(target)) {
    throw new ReleaseError(`no installer target for this machine (${platform}-${arch}); pass --target with one of ${allTargets.join(', ')}`);
  }
  return target;
}

export function checkTarget(target) {
  if (!allTargets.includes(target)) throw new ReleaseError(`unknown target "${target}": use one of ${allTargets.join(', ')}`);
  return target;
}

/** File names of the two binaries in a target's folder. */
export const binaryNames = (target) => (target.startsWith('win-') ? { ffmpeg: 'ffmpeg.exe', ffprobe: 'ffprobe.exe' } : { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });

/** How to unpack a file, from its name (an archive URL's last path segment works too). */
export function archiveKind(name) {
  const base = name.toLowerCase();
  if (base.endsWith('.zip')) return 'zip';
  if (base.endsWith('.tar.gz') || base.endsWith('.tgz')) return 'tar.gz';
  if (base.endsWith('.tar.xz') || base.endsWith('.txz')) return 'tar.xz';
  return null;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

/**
 * Checks the manifest's shape, so a typo in builds.json is reported as such and not as a
 * download or hash failure later. Returns the manifest unchanged.
 */
export function checkManifest(manifest, name = 'builds.json') {
  const fail = (what) => {
    throw new ReleaseError(`${name}: ${what}`);
  };
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.targets !== 'object' || manifest.targets === null) fail('has no "targets" object');
  for (const [target, entry] of Object.entries(manifest.targets)) {
    if (!allTargets.includes(target)) fail(`"${target}" is not a target (${allTargets.join(', ')})`);
    if (typeof entry.licence !== 'string' || entry.licence === '') fail(`${target}: "licence" must name the build's licence (e.g. GPL-3.0-or-later)`);
    if (!Array.isArray(entry.archives) || entry.archives.length === 0) fail(`${target}: "archives" must list at least one archive`);
    const provided = new Set();
    for (const a of entry.archives) {
      if (typeof a.url !== 'string' || !/^https?:\/\//.test(a.url)) fail(`${target}: archive url ${JSON.stringify(a.url)} is not an http(s) URL`);
      if (archiveKind(new URL(a.url).pathname) === null) fail(`${target}: ${a.url} is not a .zip, .tar.gz/.tgz or .tar.xz`);
      if (a.sha256 !== null && !(typeof a.sha256 === 'string' && sha256Pattern.test(a.sha256))) fail(`${target}: sha256 of ${a.url} must be 64 lowercase hex digits, or null when not pinned yet`);
      if (!Array.isArray(a.provides) || a.provides.length === 0 || a.provides.some((b) => b !== 'ffmpeg' && b !== 'ffprobe')) fail(`${target}: "provides" of ${a.url} must list ffmpeg and/or ffprobe`);
      for (const b of a.provides) provided.add(b);
    }
    for (const b of ['ffmpeg', 'ffprobe']) if (!provided.has(b)) fail(`${target}: no archive provides ${b}`);
  }
  return manifest;
}

/**
 * The archives to download for a target, or why there are none: a target without an entry,
 * or with an archive whose SHA-256 nobody has verified yet, is refused, never fetched unchecked.
 */
export function pinnedArchives(manifest, target, manifestName = 'resources/ffmpeg/builds.json') {
  const entry = manifest.targets[target];
  const fromHint = `node scripts/ffmpeg-release.mjs --target ${target} --from <archive or folder>`;
  if (!entry) throw new ReleaseError(`not pinned: ${target} has no entry in ${manifestName}. Supply a build yourself: ${fromHint}`);
  const open = entry.archives.filter((a) => a.sha256 === null);
  if (open.length > 0) {
    const list = open.map((a) => `${a.provides.join(' + ')} from ${a.url}`).join('; ');
    throw new ReleaseError(
      `not pinned: ${target} ${list} has no verified SHA-256 in ${manifestName}. ` +
        `Download it where that host is reachable, check it against the publisher's checksum, then either add its "sha256" to the manifest or run: ${fromHint}`,
    );
  }
  return entry.archives;
}

/** Nothing but the archive's own words: the digest of what was downloaded must be the pinned one. */
export function checkDigest(url, expected, actual) {
  if (expected !== actual) {
    throw new ReleaseError(`SHA-256 mismatch for ${url}: expected ${expected}, got ${actual}. Nothing was unpacked or placed. If the publisher rebuilt the file, verify the new one and update the pin.`);
  }
}

const licencePattern = /^(licen[cs]e|copying)(\.(txt|md))?$|^copying\.(l?gplv[23](\.1)?)(\.txt)?$|^l?gplv[23](\.1)?\.txt$/i;

const depth = (p) => p.split('/').length;
const shallowestFirst = (a, b) => depth(a) - depth(b) || a.localeCompare(b);

/**
 * Which entries of an archive (POSIX relative paths) are the two binaries and the licence
 * text. Builds keep them in different places (bin/, the top folder, a versioned folder):
 * the file with the right name nearest the top wins.
 */
export function pickEntries(entries, target) {
  const names = binaryNames(target);
  const caseless = target.startsWith('win-');
  const base = (p) => p.split('/').pop() ?? '';
  const find = (name) => entries.filter((p) => (caseless ? base(p).toLowerCase() === name.toLowerCase() : base(p) === name)).sort(shallowestFirst)[0] ?? null;
  return {
    ffmpeg: find(names.ffmpeg),
    ffprobe: find(names.ffprobe),
    licence: entries.filter((p) => licencePattern.test(base(p))).sort(shallowestFirst)[0] ?? null,
  };
}

/** An entry path that would land outside the folder it is unpacked into. */
export const unsafeEntry = (p) => p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.split(/[/\\]/).includes('..');

/**
 * What an executable is built for, from its first bytes (ELF, Mach-O, PE): a Linux binary
 * must not end up in the Windows folder. Null when the format is not one of those.
 */
export function binaryTarget(head) {
  const u16 = (o) => (o + 2 <= head.length ? head[o] | (head[o + 1] << 8) : -1);
  const u32 = (o) => (o + 4 <= head.length ? (head[o] | (head[o + 1] << 8) | (head[o + 2] << 16) | (head[o + 3] << 24)) >>> 0 : -1);
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    const machine = u16(18);
    return machine === 0x3e ? 'linux-x64' : machine === 0xb7 ? 'linux-arm64' : 'linux-other';
  }
  if (u32(0) === 0xfeedfacf) {
    const cpu = u32(4);
    return cpu === 0x01000007 ? 'mac-x64' : cpu === 0x0100000c ? 'mac-arm64' : 'mac-other';
  }
  if (head[0] === 0xca && head[1] === 0xfe && head[2] === 0xba && head[3] === 0xbe) return 'mac-universal';
  if (head[0] === 0x4d && head[1] === 0x5a) {
    const pe = u32(0x3c);
    if (pe < 0 || u32(pe) !== 0x00004550) return 'win-other';
    const machine = u16(pe + 4);
    return machine === 0x8664 ? 'win-x64' : machine === 0xaa64 ? 'win-arm64' : 'win-other';
  }
  return null;
}

/** An error for a binary built for another target; a warning for a file of unknown kind. */
export function binaryFits(name, target, kind) {
  if (kind === null) return { ok: true, warning: `${name} is not an ELF, Mach-O or PE executable; placed as it is` };
  if (kind === target || (kind === 'mac-universal' && target.startsWith('mac-'))) return { ok: true, warning: null };
  return { ok: false, error: `${name} is a ${kind} executable, not ${target}: wrong archive for this target. Nothing was placed.` };
}

/** The licence text shipped in resources/ffmpeg for an SPDX-ish name, when the archive has none. */
export function licenceTextFile(licence) {
  if (/^LGPL-2\.1/i.test(licence)) return 'COPYING.LGPLv2.1';
  if (/^LGPL-3/i.test(licence)) return 'COPYING.LGPLv3';
  if (/^GPL-2/i.test(licence)) return 'COPYING.GPLv2';
  if (/^GPL-3/i.test(licence)) return 'COPYING.GPLv3';
  return null;
}

/** "7.1.1", "N-118000-g1234abcd", … from `ffmpeg -version`; null when it says nothing we know. */
export function parseFfmpegVersion(output) {
  return /^ff(?:mpeg|probe) version (\S+)/m.exec(output)?.[1] ?? null;
}

/** True/false for a release version ("7.1.1", "n6.0"); null for a git snapshot, which has no number. */
export function meetsMinimum(version, minimum = minimumVersion) {
  const m = /^n?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return null;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/** BUILD.json: where the binaries came from and under which licence, for the About page and audits. */
export function buildRecord({ target, version, licence, sources, files, placedAt }) {
  return { target, version, licence, licenceFile: 'LICENSE.txt', sources, files, placedAt };
}

/** The command-line options; `--target` may repeat, `--all` takes every target in the manifest. */
export function parseArgs(argv) {
  const out = { targets: [], all: false, from: null, licence: null, version: null, manifest: null, out: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, null];
    const value = () => {
      if (inline !== null) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new ReleaseError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--target') out.targets.push(checkTarget(value()));
    else if (flag === '--all') out.all = true;
    else if (flag === '--from') out.from = value();
    else if (flag === '--licence' || flag === '--license') out.licence = value();
    else if (flag === '--version') out.version = value();
    else if (flag === '--manifest') out.manifest = value();
    else if (flag === '--out') out.out = value();
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new ReleaseError(`unknown option ${arg} (see --help)`);
  }
  if (out.all && out.targets.length > 0) throw new ReleaseError('--all and --target exclude each other');
  if (out.from !== null && (out.all || out.targets.length > 1)) throw new ReleaseError('--from supplies one build: give at most one --target');
  return out;
}

// ---- I/O ----

export async function sha256File(file) {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Downloads to a file, hashing on the way: the digest is known the moment the last byte is on disk. */
export async function download(url, dest, fetchImpl = fetch) {
  let response;
  try {
    response = await fetchImpl(url, { redirect: 'follow' });
  } catch (err) {
    throw new ReleaseError(`cannot download ${url}: ${err.cause?.message ?? err.message}`);
  }
  if (!response.ok || !response.body) throw new ReleaseError(`cannot download ${url}: HTTP ${response.status}`);
  const hash = createHash('sha256');
  const tee = new Transform({
    transform(chunk, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body), tee, fs.createWriteStream(dest));
  return hash.digest('hex');
}

async function walk(dir, prefix = '') {
  const out = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

function systemTar(args) {
  const r = spawnSync('tar', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new ReleaseError(`.tar.xz needs the system's tar (with xz): ${r.error.message}`);
  if (r.status !== 0) throw new ReleaseError(`tar ${args[0]} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The file entries of an archive, as POSIX relative paths. */
export async function listArchive(file, kind) {
  if (kind === 'zip') {
    const dir = await unzipper.Open.file(file);
    return dir.files.filter((f) => f.type === 'File').map((f) => f.path);
  }
  if (kind === 'tar.gz') {
    const entries = [];
    await tar.t({ file, onReadEntry: (e) => void (e.type === 'File' && entries.push(e.path)) });
    return entries;
  }
  return systemTar(['-tf', file])
    .split('\n')
    .filter((l) => l !== '' && !l.endsWith('/'));
}

/** Unpacks just the named entries into dir (at their paths inside the archive). */
export async function extractEntries(file, kind, entries, dir) {
  for (const e of entries) if (unsafeEntry(e)) throw new ReleaseError(`refusing archive entry ${e}: it would land outside the folder it is unpacked into`);
  if (kind === 'zip') {
    const zip = await unzipper.Open.file(file);
    for (const f of zip.files.filter((f) => entries.includes(f.path))) {
      const dest = path.join(dir, ...f.path.split('/'));
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      await pipeline(f.stream(), fs.createWriteStream(dest));
    }
  } else if (kind === 'tar.gz') {
    const listed = new Set(entries);
    // Regular files only: a link entry under a wanted name could point anywhere.
    await tar.x({ file, cwd: dir, filter: (p, entry) => listed.has(p) && 'type' in entry && entry.type === 'File' });
  } else {
    // '--': entry names from an archive the user brought must never be read as tar options.
    systemTar(['-xf', file, '-C', dir, '--', ...entries]);
  }
}

function shippedLicenceText(name, dir) {
  const file = licenceTextFile(name);
  return file === null ? null : path.join(dir, file);
}

async function readHead(file) {
  const handle = await fsp.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Asks the placed ffmpeg itself, when it runs here: its version, and whether it knows -fps_mode. */
function askBinary(binary) {
  const version = spawnSync(binary, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (version.status !== 0) return null;
  const help = spawnSync(binary, ['-hide_banner', '-h', 'long'], { encoding: 'utf8', timeout: 15_000, maxBuffer: 16 << 20 });
  return { version: parseFfmpegVersion(version.stdout), fpsMode: help.status === 0 ? /-fps_mode\b/.test(help.stdout) : null };
}

/**
 * Fetches (or takes from `from`), verifies and places one target's ffmpeg and ffprobe.
 * Everything is unpacked in a temporary folder and staged beside the destination, which is
 * replaced only once the whole build is there: a failure leaves the old folder as it was.
 */
export async function release(options) {
  const { target, manifest, out, from = null, log = () => {}, fetchImpl = fetch, now = () => new Date(), manifestName } = options;
  checkTarget(target);
  const licenceTexts = options.licenceTexts ?? defaultLicenceTexts;
  const names = binaryNames(target);
  const entry = manifest?.targets?.[target] ?? null;
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'framehouse-ffmpeg-'));
  const staging = path.join(out, `.staging-${target}-${process.pid}`);
  try {
    /** Each unpacked source: where its files are, what it provides, how it is recorded. */
    const unpacked = [];
    if (from !== null) {
      const abs = path.resolve(from);
      const stat = await fsp.stat(abs).catch(() => null);
      if (!stat) throw new ReleaseError(`--from ${from}: no such file or folder`);
      if (stat.isDirectory()) {
        unpacked.push({ dir: abs, entries: await walk(abs), provides: ['ffmpeg', 'ffprobe'], source: { url: pathToFileURL(abs).href, sha256: null, provides: ['ffmpeg', 'ffprobe'] } });
      } else {
        const kind = archiveKind(abs);
        if (kind === null) throw new ReleaseError(`--from ${from}: not a folder, .zip, .tar.gz/.tgz or .tar.xz`);
        const sha256 = await sha256File(abs);
        log(`${path.basename(abs)}: sha256 ${sha256}`);
        const dir = path.join(work, 'from');
        unpacked.push({ archive: abs, kind, dir, provides: ['ffmpeg', 'ffprobe'], source: { url: pathToFileURL(abs).href, sha256, provides: ['ffmpeg', 'ffprobe'] } });
      }
    } else {
      if (!manifest) throw new ReleaseError('no manifest to read pins from');
      const archives = pinnedArchives(manifest, target, manifestName);
      // Every download is verified before any of them is unpacked.
      for (const [i, a] of archives.entries()) {
        const kind = archiveKind(new URL(a.url).pathname);
        const file = path.join(work, `download-${i}.${kind}`);
        log(`downloading ${a.url}`);
        const sha256 = await download(a.url, file, fetchImpl);
        checkDigest(a.url, a.sha256, sha256);
        log(`  sha256 ${sha256} (as pinned)`);
        unpacked.push({ archive: file, kind, dir: path.join(work, `unpacked-${i}`), provides: a.provides, source: { url: a.url, sha256, provides: a.provides, version: a.version ?? null } });
      }
    }

    const found = {};
    let licenceFile = null;
    for (const u of unpacked) {
      if (u.archive !== undefined) u.entries = await listArchive(u.archive, u.kind);
      const picked = pickEntries(u.entries, target);
      for (const b of u.provides) {
        if (picked[b] === null) throw new ReleaseError(`${u.source.url} has no ${names[b]} (looked for it at any depth). Nothing was placed.`);
      }
      const wanted = [...u.provides.map((b) => picked[b]), ...(picked.licence !== null && licenceFile === null ? [picked.licence] : [])];
      if (u.archive !== undefined) {
        await fsp.mkdir(u.dir, { recursive: true });
        await extractEntries(u.archive, u.kind, wanted, u.dir);
      }
      for (const b of u.provides) found[b] = path.join(u.dir, ...picked[b].split('/'));
      if (picked.licence !== null && licenceFile === null) licenceFile = path.join(u.dir, ...picked.licence.split('/'));
    }

    for (const b of ['ffmpeg', 'ffprobe']) {
      const fit = binaryFits(names[b], target, binaryTarget(await readHead(found[b])));
      if (!fit.ok) throw new ReleaseError(fit.error);
      if (fit.warning) log(`warning: ${fit.warning}`);
    }

    const licence = options.licence ?? (from === null ? entry.licence : null) ?? 'unknown: see LICENSE.txt';
    const licenceSource = licenceFile ?? shippedLicenceText(licence, licenceTexts);
    if (licenceSource === null || !fs.existsSync(licenceSource)) {
      throw new ReleaseError(
        `no licence text: ${from ?? target} has no LICENSE/COPYING file and no known --licence was given (GPL-3.0, GPL-2.0, LGPL-2.1 or LGPL-3.0). An ffmpeg build may not ship without its licence. Nothing was placed.`,
      );
    }

    await fsp.rm(staging, { recursive: true, force: true });
    await fsp.mkdir(staging, { recursive: true });
    const files = {};
    for (const b of ['ffmpeg', 'ffprobe']) {
      const dest = path.join(staging, names[b]);
      await fsp.copyFile(found[b], dest);
      if (!target.startsWith('win-')) await fsp.chmod(dest, 0o755);
      files[names[b]] = await sha256File(dest);
    }
    await fsp.copyFile(licenceSource, path.join(staging, 'LICENSE.txt'));

    // The binary's own word beats the manifest's, when it can run here.
    const runnable = target === safeHostTarget();
    const asked = runnable ? askBinary(path.join(staging, names.ffmpeg)) : null;
    const pinnedVersion = unpacked.find((u) => u.provides.includes('ffmpeg'))?.source.version ?? null;
    const version = asked?.version ?? options.version ?? pinnedVersion ?? 'unknown';
    if (meetsMinimum(version) === false || asked?.fpsMode === false) {
      log(`warning: ffmpeg ${version} is older than ${minimumVersion.join('.')}: the mixer, exports, ladders and restreams need -fps_mode and -stats_period`);
    }
    const record = buildRecord({ target, version, licence, sources: unpacked.map((u) => u.source), files, placedAt: now().toISOString() });
    await fsp.writeFile(path.join(staging, 'BUILD.json'), JSON.stringify(record, null, 2) + '\n');

    const dest = path.join(out, target);
    await fsp.rm(dest, { recursive: true, force: true });
    await fsp.rename(staging, dest);
    const shown = path.relative(process.cwd(), dest);
    log(`placed ${shown.startsWith('..') ? dest : shown}: ffmpeg ${version}, ${licence}`);
    return { dir: dest, record };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

function safeHostTarget() {
  try {
    return hostTarget();
  } catch {
    return null;
  }
}
