import fs from 'node:fs/promises';
import path from 'node:path';

/** Creates the data dir if needed and proves it takes writes; the message says what to do otherwise. */
export async function ensureWritableDataDir(dir: string): Promise<void> {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`data dir ${dir} is not writable (${e.code ?? e.message}); choose another with --data-dir or FRAMEHOUSE_DATA_DIR`, { cause: err });
  }
}
