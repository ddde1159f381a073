#!/usr/bin/env node
// Builds what is out of date: the Node side (tsc), the preload (esbuild, CommonJS as
// sandboxed preloads require) and the renderer (Vite). `--force` rebuilds everything.
// Kept in plain JS so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

function newestMtime(entries) {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== 'node_modules') visit(path.join(p, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const e of entries) visit(path.join(root, e));
  return newest;
}

function stale(stamp, inputs) {
  if (force) return true;
  try {
    return fs.statSync(path.join(root, stamp)).mtimeMs < newestMtime(inputs);
  } catch {
    return true;
  }
}

function run(label, command, args) {
  if (!quiet) process.stderr.write(`build: ${label}\n`);
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${command}.cmd` : command);
  const result = spawnSync(bin, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`build: ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

function touch(stamp) {
  const file = path.join(root, stamp);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, new Date().toISOString());
}

const common = ['package.json', 'tsconfig.base.json'];

if (stale('dist/.stamp-main', [...common, 'tsconfig.json', 'tsconfig.build.json', 'src-main'])) {
  run('server (tsc)', 'tsc', ['-p', 'tsconfig.build.json']);
  touch('dist/.stamp-main');
}
if (stale('dist/.stamp-preload', [...common, 'src-preload'])) {
  run('preload (esbuild)', 'esbuild', [
    'src-preload/index.ts', '--bundle', '--platform=node', '--format=cjs', '--target=node20',
    '--external:electron', '--outfile=dist/preload/index.cjs', '--log-level=warning',
  ]);
  touch('dist/.stamp-preload');
}
if (stale('dist/.stamp-electron', [...common, 'src-main/electron', 'src-preload/contract.ts'])) {
  // Bundled so the shell can use the preload's contract without it living under src-main.
  run('desktop shell (esbuild)', 'esbuild', [
    'src-main/electron/main.ts', '--bundle', '--platform=node', '--format=esm', '--target=node22',
    '--external:electron', '--outfile=dist/electron/main.js', '--log-level=warning',
  ]);
  touch('dist/.stamp-electron');
}
if (fs.existsSync(path.join(root, 'src-renderer', 'vite.config.ts'))) {
  if (stale('dist/.stamp-renderer', [...common, 'src-renderer', 'src-main/api/contract.ts', 'src-preload/contract.ts'])) {
    run('renderer (vite)', 'vite', ['build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
    touch('dist/.stamp-renderer');
  }
}
