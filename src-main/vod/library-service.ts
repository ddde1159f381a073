// The library: its folders (the media folder and any added), what is in them (scanned
// at start, then watched), and what each file holds (ffprobe, one file at a time in the
// background). Files are addressed by folder name and relative path; the rows are the
// only way in, so no URL can name a file the scan did not find.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { watch, type FSWatcher } from 'chokidar';
import { Problem } from '../contract/problem.js';
import type { LibraryFolder, LibraryFolderPatch, LibraryFolderRequest, LibraryQuery, ProbedMedia, PublicLibraryFile } from '../contract/library-api.js';
import type { StudioEvents } from '../events/studio-events.js';
import type { SettingsReactor } from '../config/settings-applier.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';
import { isLibraryFile, scanFolder, scanLimits } from './library-scan.js';
import type { FileRow, FolderRow, LibraryStore } from './library-store.js';
import { probeMedia } from './media-probe.js';
import { copyFileNew, freeName, moveFile } from '../files/move-file.js';

export interface LibraryServiceDeps {
  store: LibraryStore;
  mediaDir: () => string;
  processes: ProcessRegistry;
  /** null while ffmpeg is not found: files wait in "probing". */
  ffprobePath: () => string | null;
  events: StudioEvents;
  log: Logger;
  /** Watch folders for changes (tests of listings alone turn it off). Default true. */
  watch?: boolean;
}

export const mediaFolderName = 'media';
/** A watcher waits this long for a file to stop growing before it is probed (a copy in progress). */
const settleMs = 1500;

/** /vod/FOLDER/PATH with each part encoded. */
export const vodUrl = (folder: string, relative: string) => `/vod/${folder}/${relative.split('/').map(encodeURIComponent).join('/')}`;

export class LibraryService {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly scans = new Map<string, { done: Promise<void>; again?: Promise<void> }>();
  private readonly problems = new Map<string, string>();
  private probing: Promise<void> | null = null;
  private closed = false;
  private changedTimer: NodeJS.Timeout | null = null;
  private readonly changed = new Set<string>();

  constructor(private readonly deps: LibraryServiceDeps) {}

  /** Scans every folder, then watches them; probing runs behind. */
  async start(): Promise<void> {
    await fs.mkdir(this.deps.mediaDir(), { recursive: true }).catch(() => undefined);
    for (const folder of this.folderRows()) await this.rescan(folder.name);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.changedTimer) clearTimeout(this.changedTimer);
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
    await this.probing;
  }

  /** The media folder moved (Settings): its rows are for the old place, so it is read afresh. */
  settingsReactor(): SettingsReactor {
    return {
      keys: ['mediaDir'],
      apply: async () => {
        await this.watchers.get(mediaFolderName)?.close();
        this.watchers.delete(mediaFolderName);
        await fs.mkdir(this.deps.mediaDir(), { recursive: true }).catch(() => undefined);
        await this.rescan(mediaFolderName);
      },
    };
  }

  folders(): LibraryFolder[] {
    return this.folderRows().map((f) => ({
      name: f.name,
      path: this.rootOf(f),
      shared: f.shared,
      playToken: f.playToken,
      builtIn: f.name === mediaFolderName,
      problem: this.problems.get(f.name) ?? null,
      files: this.deps.store.count(f.name),
    }));
  }

  folder(name: string): FolderRow | null {
    return this.folderRows().find((f) => f.name === name) ?? null;
  }

  async addFolder(request: LibraryFolderRequest): Promise<LibraryFolder> {
    if (this.folder(request.name)) throw new Problem('conflict', 'Folder name taken', `a library folder is already called ${request.name}`);
    if (!path.isAbsolute(request.path)) throw new Problem('invalid', 'Not an absolute path', `${request.path} is not an absolute path`);
    const root = path.resolve(request.path);
    const stat = await fs.stat(root).catch(() => null);
    if (!stat?.isDirectory()) throw new Problem('invalid', 'Not a folder', `${root} is not a folder on this machine`);
    for (const other of this.folderRows()) {
      const otherRoot = this.rootOf(other);
      const inside = (a: string, b: string) => a === b || a.startsWith(b + path.sep);
      if (inside(root, otherRoot) || inside(otherRoot, root)) throw new Problem('conflict', 'Folders overlap', `${root} overlaps the library folder ${other.name} (${otherRoot}): a file would be listed twice`);
    }
    const shared = request.shared ?? true;
    if (!shared && !request.playToken) throw new Problem('invalid', 'Play token needed', `a private folder plays only with its token: give ${request.name} a playToken`);
    this.deps.store.saveFolder({ name: request.name, path: root, shared, playToken: request.playToken ?? null });
    await this.rescan(request.name);
    return this.folders().find((f) => f.name === request.name)!;
  }

  updateFolder(name: string, patch: LibraryFolderPatch): LibraryFolder {
    const folder = this.folder(name);
    if (!folder) throw new Problem('not-found', 'No such folder', `no library folder called ${name}`);
    const next = { ...folder, ...(patch.shared !== undefined ? { shared: patch.shared } : {}), ...(patch.playToken !== undefined ? { playToken: patch.playToken } : {}) };
    if (!next.shared && next.playToken === null) throw new Problem('invalid', 'Play token needed', `a private folder plays only with its token: give ${name} a playToken`);
    this.deps.store.saveFolder(next);
    return this.folders().find((f) => f.name === name)!;
  }

  async removeFolder(name: string): Promise<void> {
    if (name === mediaFolderName) throw new Problem('conflict', 'Built-in folder', 'the media folder is always in the library (move it in Settings)');
    if (!this.folder(name)) throw new Problem('not-found', 'No such folder', `no library folder called ${name}`);
    await this.watchers.get(name)?.close();
    this.watchers.delete(name);
    this.deps.store.removeFolder(name);
    this.problems.delete(name);
  }

  /**
   * Reads a folder again from disk (at start, on demand, when a watcher lost track). One
   * scan per folder at a time: asks while one runs are answered by one more afterwards.
   */
  rescan(name: string): Promise<void> {
    const running = this.scans.get(name);
    if (running) {
      running.again ??= running.done.then(() => {
        this.scans.delete(name);
        return this.rescan(name);
      });
      return running.again;
    }
    const entry: { done: Promise<void>; again?: Promise<void> } = {
      done: this.scanOnce(name).finally(() => {
        if (!entry.again) this.scans.delete(name);
      }),
    };
    this.scans.set(name, entry);
    return entry.done;
  }

  private async scanOnce(name: string): Promise<void> {
    const folder = this.folder(name);
    if (!folder || this.closed) return;
    const root = this.rootOf(folder);
    try {
      const found = await scanFolder(root);
      // Removed or closed while the scan ran: its rows and watcher would outlive the folder.
      if (this.closed || !this.folder(name)) return;
      this.problems.delete(name);
      if (found.length >= scanLimits.files) this.problems.set(name, `more than ${scanLimits.files} files: the rest are not listed`);
      const change = this.deps.store.reconcile(name, found);
      if (change.added + change.changed + change.removed > 0) this.deps.log.info({ folder: name, ...change }, 'library folder scanned');
      this.startWatching(name, root);
    } catch (error) {
      this.problems.set(name, `${root} cannot be read: ${(error as Error).message}`);
    }
    this.announce(name);
    this.probeWaiting();
  }

  /**
   * The listing as JSON text (the LibraryListing shape), written straight from the rows:
   * each file's media goes out as the JSON it is stored as, so ten thousand files cost
   * one query and some string joining, not ten thousand parses and serialisations.
   */
  listJson(query: LibraryQuery): string {
    const page = this.deps.store.listRaw({ folder: query.folder, under: query.under, q: query.q, sort: query.sort ?? 'name', order: query.order ?? 'asc', offset: query.offset ?? 0, limit: query.limit ?? 1000 });
    const files = page.rows.map((r) => {
      const url = vodUrl(r.folder, r.path);
      return `{"folder":${JSON.stringify(r.folder)},"path":${JSON.stringify(r.path)},"size":${r.size},"modifiedAt":${r.mtime_ms},"state":${JSON.stringify(r.state)},"problem":${JSON.stringify(r.problem)},"media":${r.media_json ?? 'null'},"url":${JSON.stringify(url)},"hlsUrl":${JSON.stringify(`${url}/index.m3u8`)},"posterUrl":${JSON.stringify(`${url}/poster.jpg`)}}`;
    });
    return `{"total":${page.total},"files":[${files.join(',')}]}`;
  }

  /**
   * Renames or moves a file, within its folder or to another: the target is checked as a
   * scan would find it (a media name, inside the folder, no hidden part) and never replaces a file.
   */
  async move(from: { folder: string; path: string }, to: { folder: string; path: string }): Promise<void> {
    const source = this.resolve(from.folder, from.path);
    if (!source) throw new Problem('not-found', 'Not in the library', `no file ${from.path} in library folder ${from.folder}`);
    const target = this.folder(to.folder);
    if (!target) throw new Problem('not-found', 'No such folder', `no library folder called ${to.folder}`);
    const relative = to.path.replace(/\\/g, '/');
    const parts = relative.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..') || !isLibraryFile(relative)) {
      throw new Problem('invalid', 'Invalid name', `"${to.path}" is not a file name the library keeps: a relative path without "..", hidden parts or an empty part, ending in a media extension`);
    }
    const root = this.rootOf(target);
    const file = path.resolve(root, ...parts);
    if (!file.startsWith(root + path.sep)) throw new Problem('invalid', 'Invalid name', `"${to.path}" leaves the folder`);
    if (file === source.file) return;
    if (await fs.stat(file).then(() => true, () => false)) throw new Problem('conflict', 'Name taken', `${to.path} already exists in ${to.folder}; choose another name`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await moveFile(source.file, file);
    this.deps.store.moved(from, { folder: to.folder, path: relative });
    this.announce(from.folder);
    this.announce(to.folder);
  }

  /**
   * A file from elsewhere on this machine (a finished DVR export) put into a folder under
   * `subfolder`, by hard link where it can (no bytes copied), under a free name.
   */
  async importCopy(source: string, to: { folder: string; subfolder: string }): Promise<{ folder: string; path: string }> {
    const folder = this.folder(to.folder);
    if (!folder) throw new Problem('not-found', 'No such folder', `no library folder called ${to.folder}`);
    const dir = path.join(this.rootOf(folder), to.subfolder);
    await fs.mkdir(dir, { recursive: true });
    const name = await freeName(dir, path.basename(source));
    await copyFileNew(source, path.join(dir, name));
    const relative = to.subfolder ? `${to.subfolder}/${name}` : name;
    const stat = await fs.stat(path.join(dir, name));
    this.deps.store.found(to.folder, { path: relative, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) });
    this.announce(to.folder);
    this.probeWaiting();
    return { folder: to.folder, path: relative };
  }

  /**
   * A file of this machine dropped on the desktop window: copied into `folder`, or used in
   * place (its own folder joins the library, unless a library folder already holds it).
   */
  async importLocal(file: string, mode: 'copy' | 'place', folder: string): Promise<{ folder: string; path: string }> {
    if (!path.isAbsolute(file) || !isLibraryFile(path.basename(file))) throw new Problem('invalid', 'Not a media file', `${file} is not an absolute path to a video or audio file`);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw new Problem('not-found', 'No such file', `${file} is not a file on this machine`);
    if (mode === 'copy') return this.importCopy(file, { folder, subfolder: '' });
    const resolved = path.resolve(file);
    for (const f of this.folders()) {
      if (resolved.startsWith(f.path + path.sep)) {
        const relative = path.relative(f.path, resolved).split(path.sep).join('/');
        this.deps.store.found(f.name, { path: relative, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) });
        this.probeWaiting();
        return { folder: f.name, path: relative };
      }
    }
    const dir = path.dirname(resolved);
    const slug = path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 32);
    const base = slug || 'folder';
    let name = base;
    for (let n = 2; this.folder(name); n++) name = `${base.slice(0, 30)}-${n}`;
    // Private: one dropped clip must not publish everything beside it on the LAN; the admin shares it if meant.
    await this.addFolder({ name, path: dir, shared: false, playToken: crypto.randomBytes(12).toString('base64url') });
    return { folder: name, path: path.basename(resolved) };
  }

  /** Deletes a file from disk and from the library. */
  async remove(ref: { folder: string; path: string }): Promise<void> {
    const source = this.resolve(ref.folder, ref.path);
    if (!source) throw new Problem('not-found', 'Not in the library', `no file ${ref.path} in library folder ${ref.folder}`);
    await fs.rm(source.file, { force: true });
    this.deps.store.forget(ref.folder, ref.path);
    this.announce(ref.folder);
  }

  /** What visitors may play: ready files of shared folders, newest first. */
  publicList(query: { q?: string; offset?: number; limit?: number }): { total: number; files: PublicLibraryFile[] } {
    const shared = this.folderRows().filter((f) => f.shared).map((f) => f.name);
    const page = this.deps.store.listRaw({ folders: shared, readyOnly: true, q: query.q, sort: 'date', order: 'desc', offset: query.offset ?? 0, limit: query.limit ?? 200 });
    return {
      total: page.total,
      files: page.rows.map((r) => {
        const media = JSON.parse(r.media_json!) as ProbedMedia;
        const url = vodUrl(r.folder, r.path);
        const video = media.video;
        const turned = video && (video.rotation === 90 || video.rotation === 270);
        return {
          folder: r.folder,
          path: r.path,
          duration: media.duration,
          width: video ? (turned ? video.height : video.width) : null,
          height: video ? (turned ? video.width : video.height) : null,
          hlsUrl: `${url}/index.m3u8`,
          posterUrl: video ? `${url}/poster.jpg` : null,
        };
      }),
    };
  }

  /** Whether the folder lists this file: one row lookup (a URL's prefixes are tried with it on every /vod request). */
  has(folderName: string, relative: string): boolean {
    return this.deps.store.exists(folderName, relative);
  }

  /** A file by its address, with its absolute path; null when the library has no such file. */
  resolve(folderName: string, relative: string): { folder: FolderRow; row: FileRow; file: string } | null {
    const folder = this.folder(folderName);
    if (!folder) return null;
    const row = this.deps.store.file(folderName, relative);
    if (!row) return null;
    const root = this.rootOf(folder);
    const file = path.resolve(root, ...relative.split('/'));
    // The row came from a scan of this root; the check keeps it that way if rows were ever edited by hand.
    if (!file.startsWith(root + path.sep)) return null;
    return { folder, row, file };
  }

  /**
   * The file to open for a request: resolve(), and on disk still a regular file whose real
   * path lies inside the folder's (a file replaced by a link since the scan is refused).
   */
  async openable(folderName: string, relative: string): Promise<{ folder: FolderRow; row: FileRow; file: string }> {
    const resolved = this.resolve(folderName, relative);
    if (!resolved) throw new Problem('not-found', 'Not in the library', `no file ${relative} in library folder ${folderName}`);
    const stat = await fs.lstat(resolved.file).catch(() => null);
    if (!stat?.isFile()) throw new Problem('not-found', 'Not in the library', `${relative} is no longer a file in ${folderName}`);
    const [real, root] = await Promise.all([fs.realpath(resolved.file), fs.realpath(this.rootOf(resolved.folder))]);
    if (!real.startsWith(root + path.sep)) throw new Problem('not-found', 'Not in the library', `${relative} lies outside ${folderName}`);
    return resolved;
  }

  /** Probes every file waiting, one at a time, until none is left. */
  probeWaiting(): void {
    if (this.probing || this.closed) return;
    this.probing = (async () => {
      for (;;) {
        const ffprobe = this.deps.ffprobePath();
        if (!ffprobe || this.closed) return;
        const batch = this.deps.store.waiting(8);
        if (batch.length === 0) return;
        for (const row of batch) {
          if (this.closed) return;
          const resolved = this.resolve(row.folder, row.path);
          const result = resolved ? await probeMedia(this.deps.processes, ffprobe, resolved.file) : 'the folder is gone';
          this.deps.store.probed(row.folder, { path: row.path, size: row.size, mtimeMs: row.mtimeMs }, typeof result === 'string' ? { problem: result } : { media: result });
          this.announce(row.folder);
        }
      }
    })()
      .catch((err: unknown) => this.deps.log.error({ err }, 'library probe failed'))
      .finally(() => {
        this.probing = null;
      });
  }

  private folderRows(): FolderRow[] {
    const rows = this.deps.store.folders();
    const media = rows.find((r) => r.name === mediaFolderName) ?? { name: mediaFolderName, path: '', shared: true, playToken: null };
    return [media, ...rows.filter((r) => r.name !== mediaFolderName)];
  }

  private rootOf(folder: FolderRow): string {
    return path.resolve(folder.name === mediaFolderName ? this.deps.mediaDir() : folder.path);
  }

  private startWatching(name: string, root: string): void {
    if (this.deps.watch === false || this.watchers.has(name) || this.closed) return;
    const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
    const seen = (file: string) => {
      const rel = relative(file);
      if (!isLibraryFile(rel)) return;
      // lstat: a link (which could point anywhere) or a device or pipe is not a library file, as in the scan.
      fs.lstat(file)
        .then((stat) => {
          if (!stat.isFile()) {
            if (this.deps.store.forget(name, rel)) this.announce(name);
            return;
          }
          if (this.deps.store.found(name, { path: rel, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) })) {
            this.announce(name);
            this.probeWaiting();
          }
        })
        .catch(() => undefined);
    };
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      depth: scanLimits.depth,
      ignored: (file: string) => path.basename(file).startsWith('.') && file !== root,
      awaitWriteFinish: { stabilityThreshold: settleMs, pollInterval: 250 },
    });
    watcher.on('add', seen).on('change', seen);
    watcher.on('unlink', (file: string) => {
      if (this.deps.store.forget(name, relative(file))) this.announce(name);
    });
    // A folder moved or deleted: its files' rows go with one scan.
    watcher.on('unlinkDir', () => void this.rescan(name));
    watcher.on('error', (err: unknown) => this.deps.log.warn({ err, folder: name }, 'library watcher error'));
    this.watchers.set(name, watcher);
  }

  /** One library_changed per folder at most every 250 ms: a copied folder of a thousand files is not a thousand events. */
  private announce(folder: string): void {
    this.changed.add(folder);
    if (this.changedTimer) return;
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null;
      for (const name of this.changed) this.deps.events.publish('library_changed', { folder: name });
      this.changed.clear();
    }, 250);
    this.changedTimer.unref();
  }
}
