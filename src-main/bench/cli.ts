// `npm run bench [-- NAME ...]`: performance figures measured on this machine.
// Each benchmark is a function here; later features add theirs (ingest, dvr, serve, export).
import { benchStartup } from './startup-bench.js';
import { benchIngest } from './ingest-bench.js';
import { benchDvr } from './dvr-bench.js';
import { benchServe } from './serve-bench.js';
import { benchExport } from './export-bench.js';
import { benchSoak } from './soak-bench.js';
import { benchTranscode } from './transcode-bench.js';
import { benchVod } from './vod-bench.js';
import { benchWebrtc } from './webrtc-bench.js';
import { benchMixer } from './mixer-bench.js';
import { benchRestream } from './restream-bench.js';
import { benchScaling } from './scaling-bench.js';
import { benchLlHls } from './llhls-bench.js';

const benchmarks: Record<string, { about: string; run: (argv: string[]) => Promise<void> }> = {
  startup: { about: 'cold start of `framehouse serve` and /api/health requests per second', run: benchStartup },
  dvr: { about: 'archive index queries over 1.3 M segments, and segment writing vs a plain copy', run: benchDvr },
  serve: {
    about: '50 keep-alive HTTP clients: segments MB/s, LL-HLS parts and playlists req/s vs nginx on the same files; blocking reload and event-loop lag',
    run: benchServe,
  },
  export: {
    about: 'MP4 export of one hour of a 6 Mbit/s archive: ours vs ffmpeg -c copy (concat) vs a plain copy of the bytes; time to first byte over HTTP',
    run: benchExport,
  },
  ingest: { about: 'N real-time RTMP publishers (2 Mbit/s): CPU per stream-minute and streams held, vs node-media-server and nginx-rtmp', run: benchIngest },
  transcode: {
    about: '1080p30 → 720p/480p/360p libx264 ladder: the engine vs the same plain ffmpeg command vs one process per rendition; the largest ladder that holds real time',
    run: benchTranscode,
  },
  vod: {
    about: 'library files as HLS: first transcoded segment uncached (720p; --variant 1080p --source-codec hevc for 1080p) vs the same plain ffmpeg, cached segments MB/s vs nginx, one ffmpeg job for 10 viewers of a segment, listing 10,000 files',
    run: benchVod,
  },
  webrtc: { about: 'glass-to-glass latency in Chromium, WHIP → WHEP beside LL-HLS (p50, p95; --latency-seconds 10, --no-latency); then WHEP viewers of a 720p30 stream on werift: studio CPU per viewer, every viewer fed (--viewers 1,10,25 --seconds 10)', run: benchWebrtc },
  mixer: {
    about: 'N live 720p30 inputs into a 720p30 libx264 mix in the studio (CPU, × real time, a layout change a second) beside one plain ffmpeg doing the same xstack composition (--inputs 2,4 --seconds 20)',
    run: benchMixer,
  },
  restream: {
    about: 'one 720p30 6 Mbit/s stream pushed to N nginx-rtmp targets by the studio vs N plain ffmpeg -c copy relays: CPU per pushed stream (--targets 1,4 --seconds 20)',
    run: benchRestream,
  },
  llhls: {
    about: 'LL-HLS distance from live in hls.js (low-latency mode), glass to glass in Chromium, at each part length (--part-ms 500,333,200 --seconds 20): p50, p95 and stalls',
    run: benchLlHls,
  },
  scaling: {
    about: 'CPU and memory against load, written as SVG curves and tables under docs/bench/ (--out DIR): RTMP publishers into the studio, node-media-server and nginx-rtmp (--streams 10,50,100,200,350,500 --seconds 20), keep-alive HTTP clients of the studio and nginx (--clients 10,50,100,250,500,1000)',
    run: benchScaling,
  },
  soak: {
    about: '20 publishers, 100 HLS/LL-HLS viewers and playlist/export storms for 10 min: RSS and event-loop lag over time, frames and segments lost',
    run: benchSoak,
  },
};

async function main(argv: string[]): Promise<void> {
  const names = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const flags = argv.filter((a) => !names.includes(a));
  const chosen = names.length > 0 ? names : ['startup'];
  for (const name of chosen) {
    const bench = benchmarks[name];
    if (!bench) {
      process.stderr.write(`bench: unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`\n== ${name}: ${bench.about}\n`);
    await bench.run(flags);
  }
}

main(process.argv.slice(2))
  .catch((err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  // Done when the figures are out: werift's closed peers (the webrtc bench) leave timers that would keep the process up.
  .finally(() => process.exit());
