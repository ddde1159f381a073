#!/usr/bin/env node
// Builds what is out of date: the Node side (tsc), the preload (esbuild, CommonJS as
// sandboxed preloads require), the renderer (Vite) and the player page's hls.js (copied).
// `--force` rebuilds everything.
// Kept in plain JS so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

// Tests are not part of any output (tsconfig.build.json excludes them, Vite never imports
// them): editing one must not make a build stale.
const isTest = (name) => name.endsWith('.test.ts') || name.endsWith('.test.tsx');

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
      for (const name of fs.readdirSync(p)) if (name !== 'node_modules' && !isTest(name)) visit(path.join(p, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const e of entries) visit(path.join(root, e));
  return newest;
}

// Stale: never built, an output missing (deleted by hand), or a source newer than the stamp.
function stale(stamp, inputs, output) {
  if (force || !fs.existsSync(path.join(root, output))) return true;
  try {
    return fs.statSync(path.join(root, stamp)).mtimeMs < newestMtime(inputs);
  } catch {
    return true;
  }
}

// One build at a time: the tests build before they run `dist/` (test-support/built.ts,
// e2e/support/global-setup.ts), and several test runs may start together. A second build
// waits for the first, then finds (almost) nothing stale.
const lockDir = path.join(root, 'dist', '.build-lock');
const lockPid = path.join(lockDir, 'pid');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

function lock() {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(lockPid, String(process.pid));
      process.on('exit', unlock);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = Number.NaN;
    let ageMs = 0;
    try {
      ageMs = Date.now() - fs.statSync(lockDir).mtimeMs;
      holder = Number(fs.readFileSync(lockPid, 'utf8'));
    } catch {
      // just released, or its pid not written yet: look again
    }
    // A build that was killed leaves its lock behind: a dead holder, or one older than any build.
    if ((Number.isInteger(holder) && holder > 0 && !alive(holder)) || ageMs > 15 * 60_000) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`build: another build (pid ${holder}) has held ${path.relative(root, lockDir)} for 15 minutes; giving up\n`);
      process.exit(1);
    }
    if (!said && !quiet) process.stderr.write(`build: waiting for another build (pid ${holder})\n`);
    said = true;
    sleep(200);
  }
}

function unlock() {
  try {
    if (Number(fs.readFileSync(lockPid, 'utf8')) === process.pid) fs.rmSync(lockDir, { recursive: true, force: true });
  } catch {
    // already gone
  }
}

lock();

function run(label, command, args) {
  if (!quiet) process.stderr.write(`build: ${label}\n`);
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${command}.cmd` : command);
  // What ships is a production build, whoever asks for it: a build started from inside a test
  // runner (NODE_ENV=test) would otherwise give Vite's and React's development code.
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync(bin, args, { cwd: root, env, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`build: ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

// A stamp carries the time its build started, not ended: a source saved while the build
// ran may not be in its output, and must leave that part stale for the next run.
const startedAt = new Date();

function touch(stamp) {
  const file = path.join(root, stamp);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, startedAt.toISOString());
  fs.utimesSync(file, startedAt, startedAt);
}

const common = ['package.json', 'tsconfig.base.json'];

if (stale('dist/.stamp-main', [...common, 'tsconfig.json', 'tsconfig.build.json', 'src-main'], 'dist/main/cli.js')) {
  run('server (tsc)', 'tsc', ['-p', 'tsconfig.build.json']);
  touch('dist/.stamp-main');
}
if (stale('dist/.stamp-preload', [...common, 'src-preload'], 'dist/preload/index.cjs')) {
  run('preload (esbuild)', 'esbuild', [
    'src-preload/index.ts', '--bundle', '--platform=node', '--format=cjs', '--target=node20',
    '--external:electron', '--outfile=dist/preload/index.cjs', '--log-level=warning',
  ]);
  touch('dist/.stamp-preload');
}
if (stale('dist/.stamp-electron', [...common, 'src-main/electron', 'src-main/desktop', 'src-main/contract', 'src-main/config', 'src-preload/contract.ts'], 'dist/electron/main.js')) {
  // Bundled so the shell can use the preload's contract without it living under src-main.
  run('desktop shell (esbuild)', 'esbuild', [
    'src-main/electron/main.ts', '--bundle', '--platform=node', '--format=esm', '--target=node22',
    // electron-updater ships in node_modules (it reads its own files at run time); ws is bundled,
    // and its CommonJS require()s need a real require in an ES module.
    '--external:electron', '--external:electron-updater',
    "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    '--outfile=dist/electron/main.js', '--log-level=warning',
  ]);
  touch('dist/.stamp-electron');
}
if (fs.existsSync(path.join(root, 'src-renderer', 'vite.config.ts'))) {
  if (stale('dist/.stamp-renderer', [...common, 'src-renderer', 'src-main/contract', 'src-preload/contract.ts'], 'dist/renderer/index.html')) {
    run('renderer (vite)', 'vite', ['build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
    touch('dist/.stamp-renderer');
  }
}

// The embeddable player page's hls.js (/player/hls.min.js) and its licence, copied from the
// dev dependency at build time, as the renderer bundles its own copy: the shipped app needs
// no node_modules/hls.js. Compared by content, not time: npm gives every file the same mtime.
const playerAssets = [
  ['node_modules/hls.js/dist/hls.min.js', 'dist/player/hls.min.js'],
  ['node_modules/hls.js/LICENSE', 'dist/player/hls.js-LICENSE.txt'],
];
for (const [from, to] of playerAssets) {
  let data;
  try {
    data = fs.readFileSync(path.join(root, from));
  } catch (err) {
    process.stderr.write(`build: cannot copy ${from} (${err.code}): run npm install\n`);
    process.exit(1);
  }
  const dest = path.join(root, to);
  let current = null;
  try {
    current = fs.readFileSync(dest);
  } catch {
    // not copied yet
  }
  if (current === null || !current.equals(data)) {
    if (!quiet) process.stderr.write(`build: ${to}\n`);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, data);
  }
}
