import { defineConfig } from 'vitest/config';

/**
 * Tests that measure this process itself (event-loop lag under a flood, memory held): each
 * runs in a fresh process, alone on the machine, so neither what an earlier file left behind
 * (timers, heap) nor another file's ffmpeg counts.
 */
const measuresItsProcess = [
  'src-main/delivery/viewers/unknown-streams.test.ts',
  'src-main/delivery/hls/playlist-storm.test.ts',
  'src-main/delivery/playback-access.test.ts',
  'src-main/export/export-storm.test.ts',
  'src-main/api/http-listener.test.ts',
  'src-main/ingest/rtmp/rtmp-limits.test.ts',
];

export default defineConfig({
  test: {
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
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...measuresItsProcess, '**/node_modules/**'],
          // A worker process runs file after file with the modules it already loaded: importing
          // the studio's module graph afresh for each of 170 files cost three of CI's minutes.
          // Each file still builds its own studios and temp folders, and stops them.
          isolate: false,
        },
      },
      {
        extends: true,
        // After the rest, one file at a time: a latency bound means little while another worker encodes video.
        test: { name: 'isolated', include: measuresItsProcess, sequence: { groupOrder: 1 }, fileParallelism: false },
      },
    ],
  },
});
