import fs from 'node:fs/promises';
import path from 'node:path';

export const lockFileName = 'framehouse.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One studio per data dir: two would fight over the database and the archive.
 * A lock left by a crashed studio (its pid is gone) is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, lockFileName);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        await fs.rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`data dir ${dir} is in use by another Framehouse (pid ${pid}); stop it or choose another --data-dir`, { cause: err });
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`data dir ${dir}: cannot take the lock file ${file}`);
}
