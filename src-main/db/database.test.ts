import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from './database.js';
import { useTempDir } from '../test-support/temp-dir.js';

const tempDir = useTempDir();

describe('studio database', () => {
  it('creates a WAL-mode file with the schema, and reopens without reapplying migrations', async () => {
    const file = path.join(tempDir(), 'framehouse.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.prepare('INSERT INTO ffmpeg_probe VALUES (?, ?, ?)').run('k', '[]', 1);
    db.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT count(*) AS n FROM ffmpeg_probe').get()).toEqual({ n: 1 });
    again.close();
    // A clean close checkpoints the WAL away.
    await expect(fs.access(`${file}-wal`)).rejects.toThrow();
  });

  it('applies migrations in order, in transactions, and refuses a database from a newer version', () => {
    const file = path.join(tempDir(), 'm.db');
    const db = openDatabase(file, []);
    expect(
      applyMigrations(db, [
        { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
        { version: 2, name: 'b', sql: 'CREATE TABLE b (y INTEGER)' },
      ]),
    ).toBe(2);
    expect(() => applyMigrations(db, [{ version: 3, name: 'broken', sql: 'CREATE TABLE a (x INTEGER)' }])).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(() => applyMigrations(db, [{ version: 1, name: 'a', sql: '' }])).toThrow(/newer than this Framehouse/);
    db.close();
  });
});
