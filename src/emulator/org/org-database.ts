// Opening the org's SQLite file: where it is, who may read it, how durable it is, and its
// tables (created, or brought up to date for a data folder written by an older version).
// SqliteRecords reads and writes through it.

import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { processTempDir } from '../../util/index.js'

/** Opens `<dataDir>/org.sqlite`, or a file in a new temporary folder when `dataDir` is undefined. */
export function openOrgDatabase(dataDir: string | undefined): {
  db: Database.Database
  /** The temporary folder to remove at close; undefined for a data folder. */
  tempDir: string | undefined
} {
  // The org's records (and its users' data) are for the owner alone: a folder made here 0700
  // (an existing one, which may be any folder the user named, keeps its mode), the file 0600
  // before SQLite opens it (SQLite gives its -wal and -shm files the same mode). An existing
  // file is narrowed too, so a data dir from an older version stops being readable.
  const tempDir = dataDir === undefined ? processTempDir('forcebridge-org-') : undefined
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir ?? tempDir!, 'org.sqlite')
  closeSync(openSync(file, 'a', 0o600))
  chmodSync(file, 0o600)
  const db = new Database(file)
  // A temporary org need not survive a crash: its rollback journal stays in memory (no
  // second copy of every page, as WAL writes) and nothing is synced. A data folder keeps
  // WAL with NORMAL durability.
  db.pragma(`journal_mode = ${tempDir ? 'MEMORY' : 'WAL'}`)
  db.pragma(`synchronous = ${tempDir ? 'OFF' : 'NORMAL'}`)
  // Nobody else opens a temporary org: holding its lock saves each transaction taking and
  // dropping file locks and checking whether another process changed the file.
  if (tempDir) db.pragma('locking_mode = EXCLUSIVE')
  // Bounded page cache (about 32 MB) so that memory stays flat at millions of rows.
  db.pragma('cache_size = -32000')
  db.exec(
    'CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, object TEXT NOT NULL, data TEXT NOT NULL);' +
      'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);' +
      'CREATE TABLE IF NOT EXISTS record_keys (object TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (object, field, value, id)) WITHOUT ROWID;',
  )
  // Data folders written before records left the heap have no `deleted` column.
  const columns = db.prepare('PRAGMA table_info(records)').all() as { name: string }[]
  if (!columns.some((c) => c.name === 'deleted')) {
    db.exec(
      'ALTER TABLE records ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;' +
        "UPDATE records SET deleted = coalesce(json_extract(data, '$.IsDeleted'), 0);",
    )
  }
  db.exec('CREATE INDEX IF NOT EXISTS records_object ON records (object)')
  return { db, tempDir }
}
