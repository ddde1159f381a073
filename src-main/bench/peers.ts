import os from 'node:os';
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
    // Gone already (exited, or killed by a signal such as a Ctrl-C sent to the whole group).
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
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

/**
 * Started as root, nginx's workers run as "nobody", who cannot write into a private temp
 * folder: "record all" would then fail on every file (said only in error.log). The
 * worker stays root instead, as the user who started it.
 */
const rootWorker = () => (process.getuid?.() === 0 ? 'user root;\n' : '');

/** nginx with the RTMP module (Debian's packages), one worker, recording everything like a DVR would. */
export async function startNginxRtmp(dir: string): Promise<RunningServer> {
  const rtmpPort = await freePort();
  const recordDir = path.join(dir, 'record');
  await fs.mkdir(recordDir, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  await fs.writeFile(
    conf,
    `load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
${rootWorker()}worker_processes 1;
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

export interface StaticServer {
  name: string;
  /** The master; its workers are its children. */
  pid: number;
  port: number;
  /** Worker processes really running. */
  workers: number;
  stop(): Promise<void>;
}

const workerCount = async (pid: number): Promise<number> => {
  let n = 0;
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) n++;
  }
  return n;
};

/**
 * nginx (Debian's package) serving the files under `root` as a static file server tuned the
 * usual way for media: sendfile, long keep-alive, no access log. `workers` is nginx's
 * worker_processes (a number or 'auto'). Runs as the current user with its own prefix.
 */
export async function startNginxStatic(dir: string, root: string, workers: number | 'auto'): Promise<StaticServer> {
  const port = await freePort();
  await fs.mkdir(path.join(dir, 'temp'), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  const t = path.join(dir, 'temp');
  await fs.writeFile(
    conf,
    `worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${rootWorker()}events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000;
  keepalive_timeout 65s;
  client_body_temp_path ${t}/body;
  proxy_temp_path ${t}/proxy;
  fastcgi_temp_path ${t}/fastcgi;
  uwsgi_temp_path ${t}/uwsgi;
  scgi_temp_path ${t}/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; video/mp4 mp4; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { add_header Access-Control-Allow-Origin *; }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  await waitForPort(port, child, 'nginx');
  // The master forks its workers after it listens: wait for them before counting.
  const expected = workers === 'auto' ? os.cpus().length : workers;
  let running = await workerCount(child.pid!);
  for (let i = 0; i < 40 && running < expected; i++) {
    await new Promise((r) => setTimeout(r, 50));
    running = await workerCount(child.pid!);
  }
  return { name: `nginx ${workers === 'auto' ? 'auto' : workers}`, pid: child.pid!, port, workers: running, stop: stopper(child) };
}
