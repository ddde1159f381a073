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
      return new ListenError(err.code, `${what} port ${port} on ${host} is already in use; choose another port in Settings or with --${what.toLowerCase()}-port (0 picks a free one)`);
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

export interface ListenerMove<T> {
  /** Where the listener is now, or null before its first bind. */
  current: BoundAddress | null;
  /** Creates and binds a new socket (rejecting with a ListenError). */
  bind(host: string, port: number): Promise<T>;
  /** The old socket stops taking new connections; what is under way may finish. */
  letGo(): void;
  /** Takes the socket that now listens (retiring the old one if it still listens). */
  adopt(socket: T): void;
}

/**
 * Moves a listener to host:port. The new socket binds first, so there is no moment
 * without one; but when the old socket holds the same port on an overlapping address
 * (127.0.0.1 to 0.0.0.0, the LAN switch), that bind fails, so the old one lets go
 * first, and is bound again where it was if the move still fails.
 */
export async function moveListener<T>(move: ListenerMove<T>, host: string, port: number): Promise<void> {
  try {
    move.adopt(await move.bind(host, port));
  } catch (err) {
    const old = move.current;
    if (!old || old.port !== port || !(err instanceof ListenError) || err.code !== 'EADDRINUSE') throw err;
    move.letGo();
    try {
      move.adopt(await move.bind(host, port));
    } catch (again) {
      move.adopt(await move.bind(old.host, old.port));
      throw again;
    }
  }
}

/** How far a taken port may move: the next free one among the following few. */
const portMoveTries = 20;

/**
 * Binds at `port`; when the port may move (it was a default or the config file's,
 * not pinned) and another program holds it, at the next free one after it. A desktop
 * user cannot pass `--rtmp-port`, so a start-up must not fail for a busy port; an
 * explicit one stays an error, since whatever points at it would silently miss.
 */
export async function listenMovable(listen: (port: number) => Promise<BoundAddress>, port: number, movable: boolean): Promise<BoundAddress> {
  try {
    return await listen(port);
  } catch (err) {
    if (!movable || port === 0 || !(err instanceof ListenError) || err.code !== 'EADDRINUSE') throw err;
    for (let next = port + 1; next <= Math.min(65_535, port + portMoveTries); next++) {
      try {
        return await listen(next);
      } catch (again) {
        if (!(again instanceof ListenError) || again.code !== 'EADDRINUSE') throw again;
      }
    }
    throw err;
  }
}
