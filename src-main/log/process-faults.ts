import type { Logger } from 'pino';

/**
 * Errors of one connection (the peer hung up, reset, went away, or a stream on it was
 * used after it closed). Whatever threw them, they concern that socket alone: the rest
 * of the studio is in a known state and keeps serving.
 */
const connectionErrorCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EPROTO',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CLOSED',
  'ERR_SOCKET_DGRAM_NOT_RUNNING',
]);

/** Whether an uncaught error belongs to one connection only (see connectionErrorCodes). */
export function isConnectionFault(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('HPE_'));
}

export interface FaultHandlerOptions {
  /** The studio's logger once there is one; before that, faults go to stderr. */
  log: () => Logger | null;
  /** Any other uncaught exception: called once, after it was logged, to stop and exit. */
  fatal: (err: unknown) => void;
  process?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * Process-level safety net for the server:
 * - an unhandled promise rejection is logged with its reason and the studio goes on (a
 *   promise nobody awaited leaves no half-done state behind that the next request meets);
 * - an uncaught exception from one connection (reset, broken pipe, …) is logged and the
 *   studio goes on: one client must never take down every stream and recording;
 * - any other uncaught exception is logged, then `fatal` stops the studio and exits:
 *   after an arbitrary throw the process state is unknown (Node's own advice), and the
 *   archive is built to survive a stop at any moment (atomic segments, start-up
 *   reconciliation), while a supervisor or the desktop shell starts it again.
 * Returns a function that removes the handlers.
 */
export function installFaultHandlers(o: FaultHandlerOptions): () => void {
  const proc = o.process ?? process;
  let fatalSeen = false;
  const report = (level: 'error' | 'fatal', context: Record<string, unknown>, message: string) => {
    const log = o.log();
    if (log) log[level](context, message);
    else process.stderr.write(`framehouse: ${message}: ${describe(context.err)}\n`);
  };
  const onRejection = (reason: unknown) => {
    report('error', { err: reason, fault: 'unhandledRejection' }, 'unhandled promise rejection (the studio keeps running)');
  };
  const onException = (err: Error, origin: string) => {
    if (isConnectionFault(err)) {
      report('error', { err, fault: origin }, `uncaught connection error ${(err as NodeJS.ErrnoException).code} (the studio keeps running)`);
      return;
    }
    report('fatal', { err, fault: origin }, 'uncaught exception: the studio stops');
    if (fatalSeen) return;
    fatalSeen = true;
    o.fatal(err);
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
