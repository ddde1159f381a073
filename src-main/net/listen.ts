import type net from 'node:net';

export interface BoundAddress {
  host: string;
  port: number;
}

/** A listen failure in words a user can act on. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function describeListenError(err: NodeJS.ErrnoException, what: string, host: string, port: number): ListenError {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(err.code, `${what} port ${port} on ${host} is already in use; choose another with --${what.toLowerCase()}-port (0 picks a free one)`);
    case 'EACCES':
      return new ListenError(err.code, `${what} port ${port} needs privileges on this system; use a port above 1024`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenError(err.code, `${host} is not an address of this machine; use 127.0.0.1 or 0.0.0.0`);
    default:
      return new ListenError(err.code ?? 'EUNKNOWN', `cannot listen on ${where}: ${err.message}`);
  }
}

/** Binds a server; a failure comes back as a ListenError in words a user can act on. */
export function listenOn(server: net.Server, what: string, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(describeListenError(err, what, host, port)));
    server.listen({ host, port }, () => resolve());
  });
}
