import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { freePort } from '../test-support/wait.js';

export interface RunningServer {
  name: string;
  pid: number;
  rtmpPort: number;
  /** RTMP application to publish into. */
  app: string;
  /** Frames the server says it received (our studio only), for the drop check. */
  framesIn?: () => Promise<number>;
  stop(): Promise<void>;
}

export { freePort };

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not open port ${port}`);
}

const stopper = (child: ChildProcess) => () =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });

/** node-media-server v4 from npm, media only (no admin UI), in its own process. */
export async function startNodeMediaServer(dir: string): Promise<RunningServer> {
  const rtmpPort = await freePort();
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('node-media-server/package.json')), 'bin', 'app.js');
  const child = spawn(process.execPath, [bin, '--bind', '127.0.0.1', '--rtmp-port', String(rtmpPort), '--http-port', String(await freePort()), '--data-path', dir, '--no-admin'], { stdio: 'ignore' });
  await waitForPort(rtmpPort, child, 'node-media-server');
  return { name: 'node-media-server', pid: child.pid!, rtmpPort, app: 'live', stop: stopper(child) };
}

/** nginx with the RTMP module (Debian's packages), one worker, recording everything like a DVR would. */
export async function startNginxRtmp(dir: string): Promise<RunningServer> {
  const rtmpPort = await freePort();
  const recordDir = path.join(dir, 'record');
  await fs.mkdir(recordDir, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  await fs.writeFile(
    conf,
    `load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live { live on; record all; record_path ${recordDir}; record_unique on; }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  await waitForPort(rtmpPort, child, 'nginx');
  return { name: 'nginx-rtmp (record all)', pid: child.pid!, rtmpPort, app: 'live', stop: stopper(child) };
}
