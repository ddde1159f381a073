import type { Settings } from '../api/contract.js';

export const defaultSettings: Readonly<Settings> = Object.freeze({
  host: '127.0.0.1',
  httpPort: 8935,
  rtmpPort: 1935,
  srtPort: 8890,
  ffmpegPath: '',
  mediaDir: '',
  logLevel: 'info',
  publishPrefix: 'live/',
  dvrSegmentSeconds: 2,
  dvrDepth: '',
  dvrMaxSize: '',
  dvrMinFreeMB: 1024,
  allowedHosts: [],
  exportMaxSeconds: 14_400,
  exportsDir: '',
});
