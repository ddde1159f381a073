import { defineConfig } from '@playwright/test';
import { chromiumPath } from '../src-main/test-support/chromium.js';

// Real Chromium (Debian's) against a real `framehouse serve` started by global-setup.ts.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  globalSetup: './support/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: '../test-reports/e2e.json' }]],
  use: {
    viewport: { width: 1440, height: 900 },
    colorScheme: 'dark',
    launchOptions: {
      executablePath: chromiumPath(),
      // A fake camera and microphone (a test pattern and a beep) for WebRTC publishing, without asking.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    },
    trace: 'retain-on-failure',
  },
});
