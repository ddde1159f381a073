import { startServe } from './serve';

/** Starts `framehouse serve` on a free port with a fresh data dir; the tests read where from the environment. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const studio = await startServe();
  process.env.FRAMEHOUSE_E2E_URL = studio.url;
  process.env.FRAMEHOUSE_E2E_LOGIN = studio.login;
  process.env.FRAMEHOUSE_E2E_RTMP = studio.rtmp;
  process.env.FRAMEHOUSE_E2E_TOKEN = studio.token;
  process.env.FRAMEHOUSE_E2E_DATA_DIR = studio.dataDir;
  return () => studio.stop();
}
