import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.js';

export const adminTokenFileName = 'admin-token';

/**
 * The token given on the command line or in the environment, else the one in
 * <data-dir>/admin-token, created (owner-readable only) on first start.
 */
export async function loadAdminToken(dataDir: string, given: string | null): Promise<{ token: string; file: string | null }> {
  if (given) return { token: given, file: null };
  const file = path.join(dataDir, adminTokenFileName);
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing.length >= 16) return { token: existing, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = crypto.randomBytes(24).toString('base64url');
  await writeFileAtomic(file, `${token}\n`, 0o600);
  return { token, file };
}
