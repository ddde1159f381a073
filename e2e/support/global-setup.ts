import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts `framehouse serve` on a free port with a fresh data dir; the tests read where from the environment. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-e2e-'));
  const child = spawn(process.execPath, [path.join(root, 'dist', 'main', 'cli.js'), 'serve', '--http-port', '0', '--rtmp-port', '0', '--srt-port', '0', '--data-dir', dataDir], {
    env: { ...process.env, FRAMEHOUSE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^ui\s+\S+/m.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`framehouse serve exited with ${code}: ${out}`)));
  });
  process.env.FRAMEHOUSE_E2E_URL = /^http\s+(\S+)/m.exec(out)![1]!;
  process.env.FRAMEHOUSE_E2E_LOGIN = /^ui\s+(\S+)/m.exec(out)![1]!;
  process.env.FRAMEHOUSE_E2E_RTMP = /^rtmp\s+(\S+)/m.exec(out)![1]!;
  process.env.FRAMEHOUSE_E2E_TOKEN = (await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
  process.env.FRAMEHOUSE_E2E_DATA_DIR = dataDir;
  return async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
