import { app, utilityProcess } from 'electron';
import { forkServerChild, stderrTail } from '../desktop/server-child.js';
import { ServerSupervisor, type ServerChild } from '../desktop/server-supervisor.js';

/**
 * The studio server off the window process. Packaged, it is an Electron utility
 * process (native modules are rebuilt for Electron by electron-builder). From a
 * checkout, better-sqlite3 is built for the system's Node, so the server runs
 * under that Node as a plain child process.
 */
function spawnServer(cliPath: string, args: string[], extraEnv: NodeJS.ProcessEnv): ServerChild {
  const env = { ...process.env, ...extraEnv, FRAMEHOUSE_RESOURCES_DIR: app.isPackaged ? process.resourcesPath : '' };
  if (!app.isPackaged) {
    const execPath = process.env.FRAMEHOUSE_NODE || process.env.npm_node_execpath || 'node';
    return forkServerChild(cliPath, args, { env, execPath, stdout: 'inherit' });
  }
  const child = utilityProcess.fork(cliPath, args, { serviceName: 'Framehouse studio server', stdio: 'pipe', env });
  const lastError = stderrTail(child.stderr);
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', (code) => listener(code)),
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    kill: () => void child.kill(),
    lastError,
  };
}

/** `launch` is asked at each start: a restart after a preference changed takes the new arguments. */
export function superviseStudioServer(cliPath: string, launch: () => { args: string[]; env: NodeJS.ProcessEnv }): ServerSupervisor {
  return new ServerSupervisor({
    spawn: () => {
      const { args, env } = launch();
      return spawnServer(cliPath, args, env);
    },
  });
}
