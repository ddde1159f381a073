/** Numbered schema migrations. Append only: a shipped migration never changes. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'ffmpeg probe cache',
    sql: `
      CREATE TABLE ffmpeg_probe (
        cache_key   TEXT PRIMARY KEY,   -- ffmpeg path, size, mtime and version
        result_json TEXT NOT NULL,
        probed_at   INTEGER NOT NULL    -- UTC ms
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'configured streams',
    sql: `
      CREATE TABLE streams (
        name             TEXT PRIMARY KEY,
        title            TEXT NOT NULL DEFAULT '',
        sources_json     TEXT NOT NULL DEFAULT '[]',  -- [{ url, priority }]
        publish_enabled  INTEGER NOT NULL DEFAULT 1,
        publish_password TEXT,
        takeover         INTEGER NOT NULL DEFAULT 0,
        loop             INTEGER NOT NULL DEFAULT 0,
        created_at       INTEGER NOT NULL,           -- UTC ms
        updated_at       INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
