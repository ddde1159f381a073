#!/usr/bin/env node
// `npm start`: the desktop app. Without the Electron binary, one line on what to do.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const binary = electronBinary();
if (!binary) {
  process.stderr.write(
    'framehouse: the Electron binary is missing (it downloads during `npm install` when the network allows): run `npx install-electron`, or use `npm run serve` for the studio in a browser.\n',
  );
  process.exit(1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The dev shell runs the studio server under this same Node (see src-main/electron/server-process.ts).
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, FRAMEHOUSE_NODE: process.execPath } });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
