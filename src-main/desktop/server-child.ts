import { fork } from 'node:child_process';
import type { ServerChild } from './server-supervisor.js';

/** Keeps the last lines a child wrote to stderr (passed through to ours), for the reason it gives up with. */
export function stderrTail(stream: NodeJS.ReadableStream | null, echo: (chunk: Buffer) => void = (c) => void process.stderr.write(c)): () => string | null {
  const chunks: string[] = [];
  stream?.on('data', (chunk: Buffer) => {
    echo(chunk);
    chunks.push(chunk.toString('utf8'));
    if (chunks.length > 50) chunks.shift();
  });
  return () => chunks.join('').trim().split('\n').filter(Boolean).at(-1) ?? null;
}

/** The studio server as a plain Node child process (a checkout, and the tests). */
export function forkServerChild(cliPath: string, args: string[], options: { env: NodeJS.ProcessEnv; execPath?: string; echo?: (chunk: Buffer) => void; stdout?: 'inherit' | 'ignore' }): ServerChild & { pid: number | undefined } {
  const child = fork(cliPath, args, { execPath: options.execPath, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe', 'ipc'], env: options.env });
  const lastError = stderrTail(child.stderr, options.echo);
  return {
    pid: child.pid,
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', (code) => listener(code)),
    send: (message) => {
      if (child.connected) child.send(message as Parameters<typeof child.send>[0]);
      else child.kill('SIGTERM');
    },
    kill: () => void child.kill('SIGKILL'),
    lastError,
  };
}
