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
  {
    version: 3,
    name: 'dvr archive index',
    sql: `
      CREATE TABLE dvr_inits (
        id          INTEGER PRIMARY KEY,
        stream      TEXT NOT NULL,
        hash        TEXT NOT NULL,   -- sha256 of the init segment: one file per codec configuration
        file        TEXT NOT NULL,   -- relative to <data-dir>/dvr
        tracks_json TEXT NOT NULL,   -- codec, resolution, … for listings without opening files
        created_at  INTEGER NOT NULL,
        UNIQUE (stream, hash)
      ) STRICT;

      -- Clustered by (stream, start): every range query is one index walk.
      CREATE TABLE dvr_segments (
        stream         TEXT NOT NULL,
        start_ms       INTEGER NOT NULL,  -- UTC
        duration_ms    INTEGER NOT NULL,
        bytes          INTEGER NOT NULL,
        file           TEXT NOT NULL,     -- relative to <data-dir>/dvr
        init_id        INTEGER NOT NULL REFERENCES dvr_inits (id),
        first_keyframe INTEGER NOT NULL,
        discontinuity  INTEGER NOT NULL,  -- first segment after a gap, a new session or a new configuration
        PRIMARY KEY (stream, start_ms)
      ) STRICT, WITHOUT ROWID;

      -- Per-minute coverage, kept with the segments, so a month-wide timeline reads 43 200 rows, not 1.3 M.
      CREATE TABLE dvr_minutes (
        stream     TEXT NOT NULL,
        minute     INTEGER NOT NULL,  -- UTC minute number (ms / 60000)
        covered_ms INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,
        PRIMARY KEY (stream, minute)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE dvr_locks (
        id         INTEGER PRIMARY KEY,
        stream     TEXT NOT NULL,
        from_ms    INTEGER NOT NULL,
        to_ms      INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX dvr_locks_stream ON dvr_locks (stream, from_ms);
    `,
  },
  {
    version: 4,
    name: 'per-stream recording switch',
    sql: `ALTER TABLE streams ADD COLUMN dvr INTEGER NOT NULL DEFAULT 1;`,
  },
  {
    version: 5,
    name: 'per-stream archive limits',
    sql: `
      ALTER TABLE streams ADD COLUMN dvr_depth TEXT NOT NULL DEFAULT '';
      ALTER TABLE streams ADD COLUMN dvr_max_size TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    version: 6,
    name: 'segment sequence numbers for HLS',
    sql: `
      -- HLS media sequence (one more per segment of the stream) and discontinuity sequence
      -- (discontinuities up to and including this segment): stable while old segments are deleted.
      ALTER TABLE dvr_segments ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE dvr_segments ADD COLUMN dseq INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: 'per-stream playback token',
    sql: `ALTER TABLE streams ADD COLUMN play_token TEXT;`,
  },
  {
    version: 8,
    name: 'server-side sign-in sessions',
    sql: `
      -- Only a hash of the cookie's random id is kept, so a copy of the database signs nobody in.
      -- token_hash ties a session to the admin token it was opened with: a new token ends them all.
      CREATE TABLE auth_sessions (
        id_hash     TEXT PRIMARY KEY,
        token_hash  TEXT NOT NULL,
        created_ms  INTEGER NOT NULL,
        seen_ms     INTEGER NOT NULL,
        expires_ms  INTEGER NOT NULL,
        ip          TEXT NOT NULL,
        user_agent  TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'segment sample tables',
    sql: `
      -- Each segment's sample tables (per track: decode time; per sample: duration, size,
      -- offset in the file, composition offset, keyframe flag), packed by dvr/sample-tables.ts:
      -- an export plans a range from these rows without opening a segment file. Written with
      -- the segment; segments recorded before this table are read once and filled in.
      -- A rowid table: the BLOBs (a few KB) would crowd a WITHOUT ROWID b-tree.
      CREATE TABLE dvr_sample_tables (
        stream   TEXT NOT NULL,
        start_ms INTEGER NOT NULL,  -- the dvr_segments row's key
        tables   BLOB NOT NULL,
        PRIMARY KEY (stream, start_ms)
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'stream transcoding ladders',
    sql: `
      -- A stream's ABR ladder as the API gives it (contract/transcode-api.ts TranscodeConfig), or NULL.
      ALTER TABLE streams ADD COLUMN transcode_json TEXT;
    `,
  },
  {
    version: 11,
    name: 'vod library',
    sql: `
      -- Library folders besides the media folder (which is always there, as "media";
      -- a row for it only keeps its sharing).
      CREATE TABLE library_folders (
        name        TEXT PRIMARY KEY,  -- in URLs: /vod/NAME/…
        path        TEXT NOT NULL,     -- absolute; '' for the media folder
        shared      INTEGER NOT NULL,
        play_token  TEXT,
        created_at  INTEGER NOT NULL
      ) STRICT;

      -- Every media file found in a folder, and what ffprobe said of it (contract/library-api.ts
      -- ProbedMedia). Probed again only when size or mtime change.
      CREATE TABLE library_files (
        folder      TEXT NOT NULL,
        path        TEXT NOT NULL,     -- relative, forward slashes
        size        INTEGER NOT NULL,
        mtime_ms    INTEGER NOT NULL,
        state       TEXT NOT NULL,     -- probing | ready | unplayable
        problem     TEXT,
        media_json  TEXT,
        duration_ms INTEGER,
        seen_at     INTEGER NOT NULL,  -- the scan that last found it
        PRIMARY KEY (folder, path)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 12,
    name: 'stream playlists',
    sql: `
      -- 1: the sources are files played one after another (a playlist), not failover.
      ALTER TABLE streams ADD COLUMN playlist INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 13,
    name: 'recording files',
    sql: `
      -- Plain files recorded beside the archive (contract/recording-api.ts RecordingFile).
      -- A row is made when a file opens, so a crash leaves a row saying which file to finish.
      CREATE TABLE recording_files (
        id          INTEGER PRIMARY KEY,
        stream      TEXT NOT NULL,
        session     TEXT,
        format      TEXT NOT NULL,
        work_path   TEXT NOT NULL,     -- absolute: the file as it is written
        path        TEXT,              -- relative to the recordings folder once finished
        root        TEXT NOT NULL,     -- the recordings folder it was written under
        template    TEXT NOT NULL,
        sequence    INTEGER NOT NULL,
        bytes       INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        started_ms  INTEGER NOT NULL,
        ended_ms    INTEGER,
        state       TEXT NOT NULL,     -- recording | finishing | done | failed
        error       TEXT
      ) STRICT;
      CREATE INDEX recording_files_by_stream ON recording_files (stream, started_ms);

      -- Restream targets (contract/restream-api.ts PushTarget[], ids filled in), or NULL for none.
      ALTER TABLE streams ADD COLUMN push_json TEXT;
      -- Always record to files this way (contract/recording-api.ts RecordStart), or NULL: on demand only.
      ALTER TABLE streams ADD COLUMN record_json TEXT;
    `,
  },
];
