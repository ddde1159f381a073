// GET /api/welcome and POST /api/welcome/done: the first-run screen shows until an admin
// says Done (or Skip); a marker file in the data folder remembers it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody } from '../../contract/studio-api.js';
import { WelcomeState } from '../../contract/welcome-api.js';
import { writeFileAtomic } from '../../files/atomic-write.js';

/** The marker's name in the data folder; test fixtures write it to start past the first-run screen. */
export const welcomeMarkerName = 'welcome-done';

export function welcomeRoutes(deps: { dataDir: string }) {
  const marker = path.join(deps.dataDir, welcomeMarkerName);
  return async (app: FastifyInstance) => {
    app.get(
      '/api/welcome',
      { config: { access: 'admin' }, schema: { tags: ['system'], summary: 'Whether an admin has finished or skipped the first-run screen', response: { 200: WelcomeState, 401: ErrorBody } } },
      async () => ({ done: await exists(marker) }),
    );
    app.post(
      '/api/welcome/done',
      { config: { access: 'admin' }, schema: { tags: ['system'], summary: 'The first-run screen was finished or skipped: do not show it again on this data folder', response: { 204: Type.Null(), 401: ErrorBody } } },
      async (_request, reply) => {
        await writeFileAtomic(marker, `${new Date().toISOString()}\n`);
        return reply.code(204).send();
      },
    );
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
