import { renditionParent } from '../contract/stream-name.js';
import type { StreamConfig, StreamConfigCreate, StreamConfigPatch } from '../contract/studio-api.js';
import type { StudioDatabase } from '../db/index.js';
import { isMaskedFormOf } from '../contract/restream-api.js';

interface StreamRow {
  name: string;
  title: string;
  sources_json: string;
  publish_enabled: number;
  publish_password: string | null;
  takeover: number;
  loop: number;
  playlist: number;
  dvr: number;
  dvr_depth: string;
  dvr_max_size: string;
  play_token: string | null;
  transcode_json: string | null;
  push_json: string | null;
  record_json: string | null;
}

const fromRow = (row: StreamRow): StreamConfig => ({
  name: row.name,
  title: row.title,
  sources: JSON.parse(row.sources_json) as StreamConfig['sources'],
  publishEnabled: row.publish_enabled === 1,
  publishPassword: row.publish_password,
  takeover: row.takeover === 1,
  loop: row.loop === 1,
  playlist: row.playlist === 1,
  dvr: row.dvr === 1,
  dvrDepth: row.dvr_depth,
  dvrMaxSize: row.dvr_max_size,
  playToken: row.play_token,
  transcode: row.transcode_json === null ? null : (JSON.parse(row.transcode_json) as StreamConfig['transcode']),
  push: row.push_json === null ? [] : (JSON.parse(row.push_json) as StreamConfig['push']),
  recordFiles: row.record_json === null ? null : (JSON.parse(row.record_json) as StreamConfig['recordFiles']),
});

export const defaultStreamConfig = (name: string): StreamConfig => ({
  name,
  title: '',
  sources: [],
  publishEnabled: true,
  publishPassword: null,
  takeover: false,
  loop: false,
  playlist: false,
  dvr: true,
  dvrDepth: '',
  dvrMaxSize: '',
  playToken: null,
  transcode: null,
  push: [],
  recordFiles: null,
});

const transcodeJson = (config: StreamConfig) => (config.transcode ? JSON.stringify(config.transcode) : null);

/**
 * Targets as stored: each with an id (its own, or t1, t2 … by position), and a URL sent back
 * masked (as GET showed it) replaced by the real one of the target with that id.
 */
export function normalizePush(targets: StreamConfig['push'], previous: StreamConfig['push'] = []): StreamConfig['push'] {
  const used = new Set<string>();
  return targets.map((target, i) => {
    let id = target.id ?? `t${i + 1}`;
    for (let n = 2; used.has(id); n++) id = `${target.id ?? 't'}${target.id ? `-${n}` : i + n}`;
    used.add(id);
    const before = previous.find((p) => p.id === id);
    const url = before && isMaskedFormOf(target.url, before.url) ? before.url : target.url;
    return { ...target, id, url };
  });
}
const pushJson = (config: StreamConfig) => (config.push.length > 0 ? JSON.stringify(config.push) : null);
const recordJson = (config: StreamConfig) => (config.recordFiles ? JSON.stringify(config.recordFiles) : null);

/** Play tokens remembered at most: names come from request URLs, so the memo must not grow with them. */
const maxRememberedTokens = 4096;

/** Configured streams in SQLite. */
export class StreamStore {
  /** Play tokens by name (null: none, or no such stream), forgotten on every write: a playlist request asks for one. */
  private readonly tokens = new Map<string, string | null>();

  constructor(private readonly db: StudioDatabase) {}

  list(): StreamConfig[] {
    return (this.db.prepare('SELECT * FROM streams ORDER BY name').all() as StreamRow[]).map(fromRow);
  }

  /** Every configured name, without decoding the rows. */
  names(): string[] {
    return (this.db.prepare('SELECT name FROM streams').raw().all() as [string][]).map((r) => r[0]);
  }

  get(name: string): StreamConfig | null {
    const row = this.db.prepare('SELECT * FROM streams WHERE name = ?').get(name) as StreamRow | undefined;
    return row ? fromRow(row) : null;
  }

  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM streams WHERE name = ?').get(name) !== undefined;
  }

  /**
   * The stream's play token alone: asked on every playback request, so no whole row is
   * decoded. A recorded rendition (live/cam/720p) without a row of its own is its
   * stream's: it plays only with live/cam's token.
   */
  playToken(name: string): string | null {
    const known = this.tokens.get(name);
    if (known !== undefined) return known;
    if (this.tokens.size >= maxRememberedTokens) this.tokens.clear();
    const token = this.readPlayToken(name);
    this.tokens.set(name, token);
    return token;
  }

  private readPlayToken(name: string): string | null {
    const row = this.db.prepare('SELECT play_token AS t FROM streams WHERE name = ?').get(name) as { t: string | null } | undefined;
    if (row) return row.t;
    const parent = renditionParent(name);
    return parent ? this.playToken(parent) : null;
  }

  /** Creates the stream; false when the name is taken. */
  create(input: StreamConfigCreate): StreamConfig | null {
    this.tokens.clear();
    const config: StreamConfig = { ...defaultStreamConfig(input.name), ...input };
    config.push = normalizePush(config.push);
    const now = Date.now();
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO streams (name, title, sources_json, publish_enabled, publish_password, takeover, loop, playlist, dvr, dvr_depth, dvr_max_size, play_token, transcode_json, push_json, record_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(config.name, config.title, JSON.stringify(config.sources), +config.publishEnabled, config.publishPassword, +config.takeover, +config.loop, +config.playlist, +config.dvr, config.dvrDepth, config.dvrMaxSize, config.playToken, transcodeJson(config), pushJson(config), recordJson(config), now, now);
    return result.changes === 1 ? config : null;
  }

  update(name: string, patch: StreamConfigPatch): StreamConfig | null {
    const current = this.get(name);
    if (!current) return null;
    this.tokens.clear();
    const next: StreamConfig = { ...current, ...patch, name };
    next.push = normalizePush(next.push, current.push);
    this.db
      .prepare(
        `UPDATE streams SET title = ?, sources_json = ?, publish_enabled = ?, publish_password = ?, takeover = ?, loop = ?, playlist = ?, dvr = ?, dvr_depth = ?, dvr_max_size = ?, play_token = ?, transcode_json = ?, push_json = ?, record_json = ?, updated_at = ?
         WHERE name = ?`,
      )
      .run(next.title, JSON.stringify(next.sources), +next.publishEnabled, next.publishPassword, +next.takeover, +next.loop, +next.playlist, +next.dvr, next.dvrDepth, next.dvrMaxSize, next.playToken, transcodeJson(next), pushJson(next), recordJson(next), Date.now(), name);
    return next;
  }

  remove(name: string): boolean {
    this.tokens.clear();
    return this.db.prepare('DELETE FROM streams WHERE name = ?').run(name).changes === 1;
  }
}
