// `npm run bench [-- NAME ...]`: performance figures measured on this machine.
// Each benchmark is a function here; later features add theirs (ingest, dvr, serve, export).
import { benchStartup } from './startup-bench.js';

const benchmarks: Record<string, { about: string; run: () => Promise<void> }> = {
  startup: { about: 'cold start of `framehouse serve` and /api/health requests per second', run: benchStartup },
};

async function main(names: string[]): Promise<void> {
  const chosen = names.length > 0 ? names : Object.keys(benchmarks);
  for (const name of chosen) {
    const bench = benchmarks[name];
    if (!bench) {
      process.stderr.write(`bench: unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`\n== ${name}: ${bench.about}\n`);
    await bench.run();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
