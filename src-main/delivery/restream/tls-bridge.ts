// RTMPS with certificates checked: ffmpeg (which does not verify a server's certificate)
// speaks plain RTMP to a one-connection listener on 127.0.0.1, and the studio carries the
// bytes over TLS to the real server, verifying its certificate and name against the
// platform's authorities. ffmpeg is told the real tcUrl (-rtmp_tcurl), so the server sees
// the URL it expects.
import net from 'node:net';
import tls from 'node:tls';
import { platformCertificates } from '../../net/platform-ca.js';

export interface TlsBridge {
  /** Where ffmpeg connects: rtmp://127.0.0.1:PORT/app/key. */
  port: number;
  /** Why the TLS side failed (a certificate the platform does not trust …), once it has. */
  readonly error: string | null;
  close(): void;
}

export async function openTlsBridge(target: { host: string; port: number }, o: { ca?: readonly string[]; connectTimeoutMs?: number } = {}): Promise<TlsBridge> {
  let error: string | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((local) => {
    // One publisher per bridge: a second connection (nobody else should know the port) is cut.
    if (sockets.size > 0) return void local.destroy();
    sockets.add(local);
    local.pause();
    const remote = tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ca: [...(o.ca ?? platformCertificates())], rejectUnauthorized: true });
    sockets.add(remote);
    remote.setTimeout(o.connectTimeoutMs ?? 10_000, () => remote.destroy(new Error('the server did not answer')));
    remote.once('secureConnect', () => {
      remote.setTimeout(0);
      local.pipe(remote);
      remote.pipe(local);
      local.resume();
    });
    const end = (err?: Error) => {
      if (err && !error) error = `TLS to ${target.host}:${target.port}: ${err.message}`;
      local.destroy();
      remote.destroy();
    };
    remote.once('error', end);
    local.once('error', () => end());
    remote.once('close', () => end());
    local.once('close', () => end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  // An accept that fails later (out of file descriptors) ends this bridge, not the studio.
  server.on('error', (err) => {
    error ??= `TLS bridge: ${err.message}`;
    server.close();
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    get error() {
      return error;
    },
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * rtmps://[user:pass@]host[:port]/app/key[?query] → where to dial, and the plain URL path
 * (credentials and query kept) and tcUrl ffmpeg gets; null when it is not such a URL.
 */
export function rtmpsParts(url: string): { host: string; port: number; plainPath: string; userinfo: string; tcUrl: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'rtmps:' || parsed.hostname === '') return null;
  const app = parsed.pathname.split('/')[1];
  if (!app) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port ? Number(parsed.port) : 443;
  const userinfo = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
  const shownHost = net.isIPv6(host) ? `[${host}]` : host;
  return { host, port, plainPath: `${parsed.pathname}${parsed.search}`, userinfo, tcUrl: `rtmps://${shownHost}:${port}/${app}` };
}
