import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh folder under the OS temp dir, removed by the returned cleanup. */
export async function makeTempDir(prefix = 'framehouse-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** A fresh temp folder for each test of the calling file; returns a getter for its path. */
export function useTempDir(prefix?: string): () => string {
  let current: { dir: string; cleanup: () => Promise<void> } | null = null;
  beforeEach(async () => {
    current = await makeTempDir(prefix);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
  return () => {
    if (!current) throw new Error('useTempDir: only inside a test');
    return current.dir;
  };
}
