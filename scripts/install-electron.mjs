#!/usr/bin/env node
// Since Electron 42 the electron package no longer downloads its binary when
// installed; this runs its `install-electron` step. Offline (CI, air-gapped
// machines) that fails: say so in one line and let `npm install` succeed, since
// the headless studio and every test run without the binary.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronBinary, electronPackageDir } from './electron-binary.mjs';

const dir = electronPackageDir();
if (!dir || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || electronBinary()) process.exit(0);

const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], { encoding: 'utf8', timeout: 300_000 });
if (result.status === 0 && electronBinary()) process.exit(0);

const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
const reason = /\b(E[A-Z]{3,}\b[^\n]*)/.exec(output)?.[1] ?? output.split('\n').find((l) => l.trim()) ?? result.error?.message ?? 'download failed';
process.stderr.write(`framehouse: Electron binary not downloaded (${reason.trim().slice(0, 120)}); the desktop window needs it, \`npm run serve\` does not. Retry later with \`npx install-electron\`.\n`);
process.exit(0);
