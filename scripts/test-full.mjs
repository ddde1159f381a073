#!/usr/bin/env node
// `npm run test:full`: the whole suite with every variant the CI run leaves out to stay
// within its time (each live test with every encoder profile, not only OBS's), then the
// browser tests. Before a release, and after touching ingest or the archive.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, FRAMEHOUSE_FULL_TESTS: '1' };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
for (const script of ['test:unit', 'test:e2e']) {
  const result = spawnSync(npm, ['run', script], { env, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
