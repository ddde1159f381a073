import fs from 'node:fs';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// electron-builder applies `files` in order: a pattern includes, a `!pattern` removes.
function packs(patterns: string[], file: string): boolean {
  let packed = false;
  for (const p of patterns) {
    if (p.startsWith('!')) { if (minimatch(file, p.slice(1), { dot: true })) packed = false; }
    else if (minimatch(file, p, { dot: true })) packed = true;
  }
  return packed;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

describe('what the installer packs', () => {
  const root = path.resolve(import.meta.dirname, '..');
  const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { files: string[] };
  const built = fs.existsSync(path.join(root, 'dist/main')) ? walk(path.join(root, 'dist/main')).map((f) => path.relative(root, f).split(path.sep).join('/')) : [];

  it('ships the server and leaves benchmarks, fuzzers and test fixtures out', () => {
    expect(built.length, 'run the build first (npm test does)').toBeGreaterThan(0);
    const shipped = built.filter((f) => packs(config.files, f));
    expect(shipped).toContain('dist/main/studio.js');
    expect(shipped).toContain('dist/main/cli.js');
    const stray = shipped.filter((f) => /^dist\/main\/(bench|fuzz|test-support)\/|\/testing\/|\.map$/.test(f));
    expect(stray).toEqual([]);
    // The excluded trees are really there to exclude: the rule is not passing on an empty build.
    expect(built.some((f) => f.startsWith('dist/main/bench/'))).toBe(true);
    expect(built.some((f) => f.includes('/testing/'))).toBe(true);
  });
});
