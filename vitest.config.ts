import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Integration tests start real servers and real ffmpeg: give them room, run files in parallel processes.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two at once, even on two cores: most of the time goes to real-time streams (ffmpeg -re) that
    // wait rather than compute; one at a time took 12 minutes of CI's 20, two take under 8.
    maxWorkers: 2,
    reporters: ['default'],
    // Tests that turn LAN access on must not announce the studio on this machine's real network (mDNS).
    env: { FRAMEHOUSE_MDNS: 'off' },
  },
});
