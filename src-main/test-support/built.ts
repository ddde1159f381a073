import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../version.js';

// Compiled into dist/ (the benchmarks, which `npm run bench` builds first), this code is the build.
const runningFromDist = path.relative(path.join(appRoot, 'dist'), fileURLToPath(import.meta.url)).split(path.sep)[0] !== '..';

let building: Promise<void> | null = null;

/**
 * Brings `dist/` up to date with the sources before a test runs it (the CLI as a real
 * process, the built UI), so a green run always tested today's code. scripts/build.mjs
 * rebuilds only what is older than its sources (well under a second when nothing is) and
 * lets one build run at a time across processes. A build that fails fails the test,
 * with the compiler's words.
 */
export function ensureBuilt(): Promise<void> {
  if (runningFromDist) return Promise.resolve();
  building ??= new Promise<void>((resolve, reject) => {
    // Not --quiet: when it fails, what the compilers said (tsc says it on stdout) is the message.
    const child = spawn(process.execPath, [path.join(appRoot, 'scripts', 'build.mjs')], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`dist/ is older than the sources and \`node scripts/build.mjs\` failed (exit ${code}); these tests run the built code:\n${output}`));
    });
  });
  return building;
}

/** Time for a build from nothing on a busy machine (tsc, esbuild, Vite): for the hook that calls ensureBuilt. */
export const buildTimeoutMs = 300_000;
