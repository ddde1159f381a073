import { fork, type ChildProcess } from 'node:child_process';
import { app, utilityProcess, type UtilityProcess } from 'electron';
import type { StudioConnection } from '../../src-preload/contract.js';

interface ReadyMessage {
  type: 'ready';
  url: string;
  token: string;
}

interface MovedMessage {
  type: 'moved';
  url: string;
}

const isMessage = <T extends { type: string; url: string }>(m: unknown, type: T['type']): m is T =>
  typeof m === 'object' && m !== null && (m as T).type === type && typeof (m as T).url === 'string';

/** The little the shell needs from either kind of child process. */
interface ServerChild {
  stderr: NodeJS.ReadableStream | null;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): () => void;
  terminate(force: boolean): void;
}

function serverChild(events: NodeJS.EventEmitter, stderr: NodeJS.ReadableStream | null, terminate: (force: boolean) => void): ServerChild {
  return {
    stderr,
    onMessage: (listener) => events.on('message', listener),
    onExit(listener) {
      events.once('exit', listener);
      return () => events.off('exit', listener);
    },
    terminate,
  };
}

function spawnServer(cliPath: string, args: string[], env: NodeJS.ProcessEnv): ServerChild {
  if (app.isPackaged) {
    const child: UtilityProcess = utilityProcess.fork(cliPath, args, { serviceName: 'Framehouse studio server', stdio: 'pipe', env });
    // On POSIX kill() sends SIGTERM, which the server handles; it has no stronger form.
    return serverChild(child, child.stderr, () => void child.kill());
  }
  const node = process.env.FRAMEHOUSE_NODE || process.env.npm_node_execpath || 'node';
  const child: ChildProcess = fork(cliPath, args, { execPath: node, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env });
  return serverChild(child, child.stderr, (force) => void child.kill(force ? 'SIGKILL' : 'SIGTERM'));
}

export interface StudioServerProcess {
  /** Current URL and token; the URL changes when Settings move the HTTP listener. */
  connection(): StudioConnection;
  onMoved(listener: (url: string) => void): void;
  stop(): Promise<void>;
}

/**
 * Runs the studio server off the window process. Packaged, it is an Electron
 * utility process (native modules are rebuilt for Electron by electron-builder).
 * From a checkout, better-sqlite3 is built for the system's Node, so the server
 * runs under that Node as a plain child process.
 */
export function startStudioServer(cliPath: string, args: string[]): Promise<StudioServerProcess> {
  const env = { ...process.env, FRAMEHOUSE_RESOURCES_DIR: app.isPackaged ? process.resourcesPath : '' };
  const stderr: string[] = [];
  const child = spawnServer(cliPath, args, env);
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr.push(chunk.toString('utf8'));
    if (stderr.length > 50) stderr.shift();
  });

  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      const lastLine = stderr.join('').trim().split('\n').filter(Boolean).at(-1);
      reject(new Error(lastLine ?? `the studio server exited with code ${code}`));
    };
    const stopWaiting = child.onExit(onExit);
    let connection: StudioConnection | null = null;
    const movedListeners: ((url: string) => void)[] = [];
    child.onMessage((message) => {
      if (connection && isMessage<MovedMessage>(message, 'moved')) {
        connection = { ...connection, url: message.url };
        for (const listener of movedListeners) listener(message.url);
        return;
      }
      if (connection || !isMessage<ReadyMessage>(message, 'ready')) return;
      stopWaiting();
      connection = { url: message.url, token: message.token };
      resolve({
        connection: () => connection!,
        onMoved: (listener) => movedListeners.push(listener),
        stop: () =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => child.terminate(true), 10_000);
            child.onExit(() => {
              clearTimeout(timer);
              done();
            });
            // SIGTERM lets the server finish segments and close the database.
            child.terminate(false);
          }),
      });
    });
  });
}
