#!/usr/bin/env node
// `npm run dist [-- --win|--mac|--linux] [--x64] [--arm64] [--dir]`: checks what the installers
// need before the long build (each target's ffmpeg, signing and notarization settings), says
// what will and will not happen, then builds and runs electron-builder. See README, "Build installers".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { distTargets, existsIn, ffmpegMissingMessage, formatStatus, missingFfmpegFiles, parseDistArgs, releaseStatus, updateFeedStatus } from './dist-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// electron-builder resolves the beforePack hook's ./path from the working directory.
process.chdir(root);
const configFile = path.join(root, 'electron-builder.yml');
const say = (text) => process.stderr.write(`${text}\n`);

let args;
try {
  args = parseDistArgs(process.argv.slice(2));
} catch (err) {
  say(`dist: ${err.message}`);
  process.exit(2);
}
const config = parse(fs.readFileSync(configFile, 'utf8'));
const targets = distTargets(args, config);
say(`dist: building ${targets.join(', ')}${args.dir ? ' (unpacked only)' : ''}`);

const missing = targets.map((t) => ({ t, files: missingFfmpegFiles(t, existsIn(root)) })).filter((m) => m.files.length > 0);
for (const m of missing) say(`dist: ${ffmpegMissingMessage(m.t, m.files)}`);

const status = [...[...new Set(targets.map((t) => t.split('-')[0]))].flatMap((p) => releaseStatus(p, process.env)), updateFeedStatus(process.env)];
say(formatStatus(status));
const errors = missing.length + status.filter((l) => l.state === 'error').length;
if (errors > 0) {
  say('dist: stopped before building; nothing was built');
  process.exit(1);
}

const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--force'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// electron-builder expands ${env.FRAMEHOUSE_UPDATE_URL} in `publish` and fails when it is
// unset; without a feed the installers are built with no publish config at all.
const overrides = process.env.FRAMEHOUSE_UPDATE_URL ? {} : { publish: null };
const { build } = await import('electron-builder');
const platformOptions = Object.fromEntries([...new Set(targets.map((t) => t.split('-')[0]))].map((p) => [p, args.dir ? ['dir'] : []]));
try {
  await build({
    projectDir: root,
    config: { extends: configFile, ...overrides },
    ...platformOptions,
    ...Object.fromEntries(args.archs.map((a) => [a, true])),
    // Uploading is a separate, deliberate step: the generic provider only describes the feed.
    publish: 'never',
  });
} catch (err) {
  say(`dist: ${err.message ?? err}`);
  process.exit(1);
}
