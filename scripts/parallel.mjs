#!/usr/bin/env node
// Runs npm scripts side by side (type-checking and linting each keep one core busy) and
// fails when any fails. Each one's output is kept and printed whole when it ends, so two
// logs never interleave.
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        const child = spawn(npm, ['run', '--silent', script], { shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
        const output = [];
        child.stdout.on('data', (c) => output.push(c));
        child.stderr.on('data', (c) => output.push(c));
        child.on('close', (code) => {
          process.stdout.write(`── npm run ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n`);
          process.stdout.write(Buffer.concat(output));
          resolve(code ?? 1);
        });
      }),
  ),
);
process.exit(results.some((code) => code !== 0) ? 1 : 0);
