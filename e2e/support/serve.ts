import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStudioProcess } from '../../src-main/test-support/studio-process.js';

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

/**
 * `framehouse serve` on free ports with a fresh data dir, as a user would start it, by the
 * launcher the vitest suites use; its stderr goes on to ours. stop() removes the data dir.
 */
export async function startServe(extra: string[] = [], prefix = 'framehouse-e2e-'): Promise<ServedStudio> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const studio = await startStudioProcess(['--http-port', '0', '--rtmp-port', '0', '--srt-port', '0', '--data-dir', dataDir, ...extra]).catch(async (e: unknown) => {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  process.stderr.write(studio.stderr());
  studio.child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return {
    url: studio.url,
    login: studio.loginUrl,
    rtmp: /^rtmp\s+(\S+)/m.exec(studio.stdout())![1]!,
    token: (await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim(),
    dataDir,
    child: studio.child,
    async stop() {
      await studio.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
