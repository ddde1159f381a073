import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServedStudio {
  url: string;
  login: string;
  /** rtmp://127.0.0.1:PORT/live */
  rtmp: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `framehouse serve` on free ports with a fresh data dir, as a user would start it; stop() removes the data dir. */
export async function startServe(extra: string[] = [], prefix = 'framehouse-e2e-'): Promise<ServedStudio> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const child = spawn(process.execPath, [path.join(root, 'dist', 'main', 'cli.js'), 'serve', '--http-port', '0', '--rtmp-port', '0', '--srt-port', '0', '--data-dir', dataDir, ...extra], {
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
  return {
    url: /^http\s+(\S+)/m.exec(out)![1]!,
    login: /^ui\s+(\S+)/m.exec(out)![1]!,
    rtmp: /^rtmp\s+(\S+)/m.exec(out)![1]!,
    token: (await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim(),
    dataDir,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
