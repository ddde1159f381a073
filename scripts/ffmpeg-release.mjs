#!/usr/bin/env node
// Puts the pinned ffmpeg + ffprobe for an installer target under resources/ffmpeg/<os>-<arch>/
// (see resources/ffmpeg/builds.json and README, "Build installers"). The logic lives in
// ffmpeg-release-lib.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReleaseError, allTargets, checkManifest, hostTarget, parseArgs, release } from './ffmpeg-release-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const usage = `Usage: node scripts/ffmpeg-release.mjs [--target <os>-<arch> ... | --all] [options]
  (npm run ffmpeg -- <same options>)

Downloads the pinned ffmpeg and ffprobe for each target, checks their SHA-256 before
unpacking, and places them with LICENSE.txt and BUILD.json in resources/ffmpeg/<target>/.
Targets: ${allTargets.join(', ')}; the default is this machine's.

  --target T       a target (may repeat)
  --all            every target of the manifest (unpinned ones are reported and skipped)
  --from PATH      use a build you supply instead: an archive (.zip, .tar.gz, .tar.xz) or a
                   folder holding ffmpeg and ffprobe; its SHA-256 is recorded in BUILD.json
  --licence NAME   the build's licence (GPL-3.0, GPL-2.0, LGPL-2.1, LGPL-3.0); with --from,
                   needed when the build carries no LICENSE/COPYING file
  --version V      the version to record when the binary cannot run on this machine
  --manifest FILE  pins to read (default resources/ffmpeg/builds.json)
  --out DIR        where the target folders go (default resources/ffmpeg)
`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(usage);
    return 0;
  }
  const manifestPath = path.resolve(args.manifest ?? path.join(root, 'resources', 'ffmpeg', 'builds.json'));
  const manifestName = path.relative(process.cwd(), manifestPath) || manifestPath;
  let manifest;
  try {
    manifest = checkManifest(JSON.parse(fs.readFileSync(manifestPath, 'utf8')), manifestName);
  } catch (err) {
    if (err instanceof ReleaseError) throw err;
    throw new ReleaseError(`cannot read ${manifestName}: ${err.message}`);
  }
  const targets = args.all ? Object.keys(manifest.targets) : args.targets.length > 0 ? args.targets : [hostTarget()];
  const out = path.resolve(args.out ?? path.join(root, 'resources', 'ffmpeg'));
  const log = (line) => process.stderr.write(`ffmpeg-release: ${line}\n`);
  let failed = 0;
  for (const target of targets) {
    try {
      await release({ target, manifest, manifestName, out, from: args.from, licence: args.licence, version: args.version, log });
    } catch (err) {
      if (!(err instanceof ReleaseError)) throw err;
      log(`${target}: ${err.message}`);
      failed++;
    }
  }
  if (failed > 0 && targets.length > 1) log(`${failed} of ${targets.length} targets not placed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(err instanceof ReleaseError ? `ffmpeg-release: ${err.message}\n` : `ffmpeg-release: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
