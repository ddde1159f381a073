import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServe } from './serve';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The browser tests run the built studio (dist/main/cli.js serving dist/renderer): bring
 * dist/ up to date first, so a green run tested today's code. scripts/build.mjs rebuilds
 * only what is older than its sources, one build at a time across processes; a build
 * that fails stops the run here with the compiler's output.
 */
function buildFirst(): void {
  // Not --quiet: tsc reports its errors on stdout, and they are the message when the build fails.
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`node scripts/build.mjs failed (exit ${result.status ?? result.signal}): dist/ would be older than the sources, so the e2e tests do not run`);
}

/** Starts `framehouse serve` on a free port with a fresh data dir; the tests read where from the environment. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  buildFirst();
  // The LAN switch spec must not announce the studio on this machine's real network (mDNS).
  process.env.FRAMEHOUSE_MDNS = 'off';
  const studio = await startServe();
  process.env.FRAMEHOUSE_E2E_URL = studio.url;
  process.env.FRAMEHOUSE_E2E_LOGIN = studio.login;
  process.env.FRAMEHOUSE_E2E_RTMP = studio.rtmp;
  process.env.FRAMEHOUSE_E2E_TOKEN = studio.token;
  process.env.FRAMEHOUSE_E2E_DATA_DIR = studio.dataDir;
  return () => studio.stop();
}
