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
];
