import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { appRoot } from '../version.js';
import { ensureBuilt } from './built.js';

export const cliPath = path.join(appRoot, 'dist', 'main', 'cli.js');

export interface StudioProcess {
  child: ChildProcess;
  /** The printed `http` URL, e.g. http://127.0.0.1:41234/ */
  url: string;
  loginUrl: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the real `framehouse serve` (the built CLI, rebuilt first when older than the
 * sources: call ensureBuilt in a beforeAll so the build does not count against a test's
 * time) and waits for its listener lines.
 */
export async function startStudioProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<StudioProcess> {
  await ensureBuilt();
  const child = spawn(process.execPath, [cliPath, 'serve', ...args], {
    // Ingest listeners on free ports too, so parallel tests never collide on 1935/8890.
    env: { ...process.env, FRAMEHOUSE_LOG_LEVEL: 'warn', FRAMEHOUSE_RTMP_PORT: '0', FRAMEHOUSE_SRT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<boolean>((resolve) => {
    const check = () => {
      if (/^ui\s+\S+/m.test(out)) resolve(true);
    };
    child.stdout!.on('data', check);
    void exited.then(() => resolve(false));
    setTimeout(() => resolve(false), 15_000).unref();
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`studio did not start:\n${out}\n${err}`);
  }
  return {
    child,
    url: /^http\s+(\S+)/m.exec(out)![1]!,
    loginUrl: /^ui\s+(\S+)/m.exec(out)![1]!,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the built CLI to completion (for the cases where it must refuse to start). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  await ensureBuilt();
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, FRAMEHOUSE_RTMP_PORT: '0', FRAMEHOUSE_SRT_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}
