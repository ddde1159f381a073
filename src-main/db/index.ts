export { openDatabase, applyMigrations, type StudioDatabase } from './database.js';
export type { Migration } from './migrations.js';
