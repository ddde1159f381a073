import Database from 'better-sqlite3';
import { migrations as studioMigrations, type Migration } from './migrations.js';

export type StudioDatabase = Database.Database;

/** Opens (or creates) the studio database and brings its schema up to date. */
export function openDatabase(file: string, migrations: readonly Migration[] = studioMigrations): StudioDatabase {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only power loss may drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    applyMigrations(db, migrations);
    reusePreparedStatements(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Preparing a statement costs more than running most of ours (a playback request asks a
 * few indexed rows), so each SQL text is prepared once and its statement reused. A
 * statement's modes (raw, pluck) stay as its one call site sets them.
 */
function reusePreparedStatements(db: StudioDatabase): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }) as StudioDatabase['prepare'];
}

export function applyMigrations(db: StudioDatabase, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `The database schema (version ${current}) is newer than this Framehouse (version ${latest}): update Framehouse or use another data dir`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
