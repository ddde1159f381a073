// Browser uploads into the library, resumable (the tus protocol: a dropped connection
// or a restarted studio carries on from the last byte written). Parts are kept under
// <data>/uploads until the last byte, then moved into the library folder under the
// file's own name; a name already taken gets " (2)", never an overwrite.
import fs from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import type { Logger } from 'pino';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { diskUsage } from '../system/system-status.js';
import { freeName, moveFile } from '../files/move-file.js';
import { isLibraryFile } from '../vod/library-scan.js';
import type { LibraryService } from '../vod/library-service.js';

export interface UploadDeps {
  /** Where parts wait: <data>/uploads. */
  dir: string;
  library: LibraryService;
  /** The dvrMinFreeMB setting in bytes: an upload that would leave less is refused before a byte is sent. */
  minFreeBytes: () => number;
  log: Logger;
}

export const uploadsPath = '/api/library/uploads';
/** A single file up to 500 GB (a day of 4K camera footage). */
const maxUploadBytes = 500 * 1024 ** 3;
/** Unfinished uploads are kept a week, then their parts are deleted. */
const keepUnfinishedMs = 7 * 24 * 3600_000;

const refuse = (status: number, body: string) => Object.assign(new Error(body), { status_code: status, body });

/** The file name as the library will keep it: its last part only, no hidden files, a media extension. */
export function uploadName(raw: string | null | undefined): string {
  // Control characters and the ones Windows forbids become "_".
  const name = [...((raw ?? '').split(/[\\/]/).at(-1) ?? '')].map((c) => (c.charCodeAt(0) < 0x20 || '<>:"|?*'.includes(c) ? '_' : c)).join('').trim();
  if (!name || name.startsWith('.') || name.length > 200 || !isLibraryFile(name)) throw refuse(400, `"${raw ?? ''}" is not a video or audio file name the library takes (mp4, mov, mkv, webm, ts, mp3 …)`);
  return name;
}

export class LibraryUploads {
  readonly server: Server;
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: UploadDeps) {
    this.server = new Server({
      path: uploadsPath,
      relativeLocation: true,
      datastore: new FileStore({ directory: deps.dir, expirationPeriodInMilliseconds: keepUnfinishedMs }),
      maxSize: maxUploadBytes,
      disableTerminationForFinishedUploads: true,
      onUploadCreate: async (_req, upload) => {
        uploadName(upload.metadata?.filename);
        const folder = this.folderOf(upload.metadata?.folder);
        if (upload.sizeIsDeferred || upload.size === undefined) throw refuse(400, 'give the file size up front (Upload-Length)');
        for (const dir of [deps.dir, folder.root]) {
          const free = (await diskUsage(dir)).freeBytes;
          if (free - upload.size < deps.minFreeBytes()) {
            throw refuse(507, `not enough disk space: ${Math.floor(upload.size / 1e6)} MB would leave ${Math.max(0, Math.floor((free - upload.size) / 1e6))} MB free on ${dir}, less than the ${Math.floor(deps.minFreeBytes() / 1e6)} MB kept free (setting dvrMinFreeMB)`);
          }
        }
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        const folder = this.folderOf(upload.metadata?.folder);
        const name = await freeName(folder.root, uploadName(upload.metadata?.filename));
        await moveFile(path.join(deps.dir, upload.id), path.join(folder.root, name));
        await fs.rm(path.join(deps.dir, `${upload.id}.json`), { force: true });
        deps.log.info({ folder: folder.name, file: name, bytes: upload.size }, 'library upload finished');
        void deps.library.rescan(folder.name);
        return { headers: { 'x-library-path': encodeURIComponent(name), 'access-control-expose-headers': 'x-library-path' } };
      },
    });
    this.sweep = setInterval(() => void this.server.cleanUpExpiredUploads().catch(() => undefined), 3600_000);
    this.sweep.unref();
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    return this.server.handle(req, res);
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private folderOf(name: string | null | undefined): { name: string; root: string } {
    const folder = this.deps.library.folders().find((f) => f.name === (name || 'media'));
    if (!folder) throw refuse(400, `no library folder called ${name ?? ''}`);
    if (folder.problem) throw refuse(409, `library folder ${folder.name} cannot be written: ${folder.problem}`);
    return { name: folder.name, root: folder.path };
  }
}
