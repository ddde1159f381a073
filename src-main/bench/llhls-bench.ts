// `npm run bench -- llhls [--part-ms 500,333,200 --seconds 20]`: how far behind live an
// LL-HLS viewer (hls.js in low-latency mode, the studio's watch page) plays at each part
// length. For each length a fresh studio is started with `--ll-hls-part-ms`; Chromium
// publishes a painted wall clock by WHIP and another page reads the clock back from every
// frame hls.js shows (glass to glass: encode, studio, player, display).
// Stalls are the video's waiting events while it is read.
import path from 'node:path';
import { startStudioProcess } from '../test-support/studio-process.js';
import { glassToGlass, percentile } from './glass-to-glass.js';
import { withBenchWorkspace } from './workspace.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

export async function benchLlHls(argv: string[]): Promise<void> {
  const get = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const parts = (get('--part-ms') ?? '500,333,200').split(',').map(Number);
  const seconds = Number(get('--seconds') ?? 20);
  out(`glass to glass, WHIP clock (640x360 canvas) → studio → LL-HLS in hls.js (lowLatencyMode), ${seconds} s read per part length`);
  out('part ms  PART-HOLD-BACK   frames   p50 ms   p95 ms   max ms  stalls');
  await withBenchWorkspace('llhls', async (work, cleanups) => {
    for (const partMs of parts) {
      const studio = await startStudioProcess(['--data-dir', path.join(work, `studio-${partMs}`), '--http-port', '0', '--log-level', 'warn', '--ll-hls-part-ms', String(partMs)]);
      cleanups.push(() => studio.stop());
      const base = studio.url.endsWith('/') ? studio.url : `${studio.url}/`;
      const [hls] = await glassToGlass(base, 'live/clock', seconds, { whep: [] });
      const sorted = [...hls!.samples].sort((a, b) => a - b);
      const row = [String(partMs).padStart(7), `${((partMs * 3) / 1000).toFixed(3)} s`.padStart(14), String(sorted.length).padStart(8)];
      row.push(...[50, 95].map((p) => String(percentile(sorted, p)).padStart(8)), String(sorted.at(-1) ?? NaN).padStart(8), String(hls!.stalls ?? 0).padStart(7));
      out(row.join(' '));
      await studio.stop();
    }
  });
}
