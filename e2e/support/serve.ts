import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { welcomeMarkerName } from '../../src-main/api/routes/welcome.js';
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

export interface ServeOptions {
  /** Start past the first-run screen, as every spec but the one about it wants (default true). */
  welcomeDone?: boolean;
  /**
   * Written as <data-dir>/config.json before start. A port given here is the file's, so the
   * studio moves it when another program holds it; a port on the command line or in the
   * environment would be explicit, and would not move. Ports it leaves out are free ones (0).
   */
  config?: Record<string, unknown>;
}

const portFlags = { httpPort: '--http-port', rtmpPort: '--rtmp-port', srtPort: '--srt-port' } as const;
const portEnv = { httpPort: 'FRAMEHOUSE_HTTP_PORT', rtmpPort: 'FRAMEHOUSE_RTMP_PORT', srtPort: 'FRAMEHOUSE_SRT_PORT' } as const;

/**
 * `framehouse serve` on free ports with a fresh data dir, as a user would start it, by the
 * launcher the vitest suites use; its stderr goes on to ours. stop() removes the data dir.
 */
export async function startServe(extra: string[] = [], prefix = 'framehouse-e2e-', options: ServeOptions = {}): Promise<ServedStudio> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  if (options.welcomeDone ?? true) await fs.writeFile(path.join(dataDir, welcomeMarkerName), 'written by e2e/support/serve.ts\n');
  if (options.config) await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(options.config, null, 2));
  const ports = (Object.keys(portFlags) as (keyof typeof portFlags)[]).filter((key) => options.config?.[key] === undefined);
  const fromFile = (Object.keys(portEnv) as (keyof typeof portEnv)[]).filter((key) => options.config?.[key] !== undefined);
  const args = [...ports.flatMap((key) => [portFlags[key], '0']), '--data-dir', dataDir, ...extra];
  // The launcher sets the ingest ports to 0 in the environment; a port from the file must not be overridden.
  const env = Object.fromEntries(fromFile.map((key) => [portEnv[key], undefined]));
  const studio = await startStudioProcess(args, env).catch(async (e: unknown) => {
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
