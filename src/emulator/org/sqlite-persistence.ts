// Write-through persistence of an org's records in SQLite (better-sqlite3), so that a
// restart with the same data dir keeps every record. Reads are served from memory.

import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { RecordRow } from '../model/index.js'

export interface RecordChange {
  objectName: string
  id: string
  /** The new row, or undefined when the record is gone for good. */
  row: RecordRow | undefined
}

export class SqlitePersistence {
  private readonly db: Database.Database
  private readonly upsertStmt: Database.Statement<[string, string, string]>
  private readonly deleteStmt: Database.Statement<[string]>
  private readonly writeMany: (changes: RecordChange[]) => void

  constructor(dataDir: string) {
    // The org's records (and its users' data) are for the owner alone: a folder made here 0700
    // (an existing one, which may be any folder the user named, keeps its mode), the file 0600
    // before SQLite opens it (SQLite gives its -wal and -shm files the same mode). An existing
    // file is narrowed too, so a data dir from an older version stops being readable.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const file = join(dataDir, 'org.sqlite')
    closeSync(openSync(file, 'a', 0o600))
    chmodSync(file, 0o600)
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, object TEXT NOT NULL, data TEXT NOT NULL);' +
        'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
    )
    this.upsertStmt = this.db.prepare(
      'INSERT INTO records (id, object, data) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET object = excluded.object, data = excluded.data',
    )
    this.deleteStmt = this.db.prepare('DELETE FROM records WHERE id = ?')
    this.writeMany = this.db.transaction((changes: RecordChange[]) => {
      for (const c of changes) {
        if (c.row) this.upsertStmt.run(c.id, c.objectName, JSON.stringify(c.row))
        else this.deleteStmt.run(c.id)
      }
    })
  }

  load(): { objectName: string; row: RecordRow }[] {
    const rows = this.db.prepare('SELECT object, data FROM records').all() as {
      object: string
      data: string
    }[]
    return rows.map((r) => ({ objectName: r.object, row: JSON.parse(r.data) as RecordRow }))
  }

  write(changes: RecordChange[]): void {
    if (changes.length > 0) this.writeMany(changes)
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined
    return row?.value
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value)
  }

  close(): void {
    this.db.close()
  }
}
