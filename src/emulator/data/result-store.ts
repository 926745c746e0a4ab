// Query results kept out of the heap: a REST query's pages behind its locator and a Bulk
// query job's CSV rows are written here, one item (a record's JSON, a CSV line) per row, and
// read back a page at a time. A full export of millions of records then costs disk, not
// memory. Bulk ingest jobs keep their uploads (in pieces) and per-row outcomes here too.
//
// Why a table of results rather than re-running the query for each page (keyset paging):
// a result is a snapshot. Salesforce's cursor and Bulk query results do not move when the
// data changes after the query ran (totalSize and the set of records stay as first
// answered), and a snapshot keeps that without holding anything in the heap. A large ORDER
// BY is sorted here too (sorted()): the SOQL engine hands over each record with its sort key.
//
// A separate SQLite file from the org's records: it is never kept across restarts (jobs
// and locators are not), needs no durability, and its writes never join an org transaction.

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { processTempDir } from '../../util/index.js'

// Items per multi-row INSERT and per transaction: one statement call per 100 items instead
// of one each; a transaction per 10,000 keeps the write journal small.
const ROWS_PER_INSERT = 100
const ROWS_PER_TRANSACTION = 10_000

export interface StoredResult {
  /** The result set's id in the store. */
  set: number
  /** Items written: the first is at `first`, the last at `first + size - 1`. */
  size: number
}

export class ResultStore {
  private readonly dir = processTempDir('forcebridge-results-')
  private readonly db: Database.Database
  private readonly insertMany: Database.Statement
  private readonly insertOne: Database.Statement<[number, number, string]>
  private readonly read: Database.Statement<[number, number, number], { item: string }>
  private readonly dropSet: Database.Statement<[number]>
  private nextSet = 1

  constructor() {
    this.db = new Database(join(this.dir, 'results.sqlite'))
    // Nothing here must survive a crash: no journal, no syncs; a small page cache.
    this.db.pragma('journal_mode = OFF')
    this.db.pragma('synchronous = OFF')
    this.db.pragma('cache_size = -8000')
    this.db.exec(
      'CREATE TABLE results (set_id INTEGER NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (set_id, seq)) WITHOUT ROWID',
    )
    this.insertMany = this.db.prepare(
      'INSERT INTO results (set_id, seq, item) VALUES ' +
        Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?, ?)').join(','),
    )
    this.insertOne = this.db.prepare('INSERT INTO results (set_id, seq, item) VALUES (?, ?, ?)')
    this.read = this.db.prepare(
      'SELECT item FROM results WHERE set_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
    )
    this.dropSet = this.db.prepare('DELETE FROM results WHERE set_id = ?')
  }

  /** Writes `items` as a new result set, numbered from `first` (a page offset). */
  write(items: Iterable<string>, first = 0): StoredResult {
    const set = this.open()
    try {
      return { set, size: this.append(set, items, first) }
    } catch (err) {
      // The items come from a query still running: a failure there leaves no half set.
      this.dropSet.run(set)
      throw err
    }
  }

  /** A new, empty result set, filled by append(). */
  open(): number {
    return this.nextSet++
  }

  /** Adds `items` to a set, numbered from `first`; answers how many were added. */
  append(set: number, items: Iterable<string>, first: number): number {
    let seq = first
    const batch: (number | string)[] = []
    let inTransaction = false
    try {
      for (const item of items) {
        if (!inTransaction) {
          this.db.exec('BEGIN')
          inTransaction = true
        }
        batch.push(set, seq++, item)
        if (batch.length === ROWS_PER_INSERT * 3) {
          this.insertMany.run(...batch)
          batch.length = 0
        }
        if ((seq - first) % ROWS_PER_TRANSACTION === 0) {
          this.db.exec('COMMIT')
          inTransaction = false
        }
      }
      for (let i = 0; i < batch.length; i += 3)
        this.insertOne.run(batch[i] as number, batch[i + 1] as number, batch[i + 2] as string)
      if (inTransaction) this.db.exec('COMMIT')
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      throw err
    }
    return seq - first
  }

  /** Up to `count` items of a set from position `from`, in order. */
  page(set: number, from: number, count: number): string[] {
    return this.read.all(set, from, count).map((r) => r.item)
  }

  /**
   * Items `from` to `from + count - 1` of a set, joined into strings of up to `step` items
   * each, read a step at a time as the caller pulls: a page of 250,000 CSV lines is sent as
   * it is read, never built whole (a whole page lives long enough for the GC to promote it,
   * and RSS grows by every page of an export).
   */
  *chunks(set: number, from: number, count: number, step = 2000): Generator<string> {
    for (let at = from; at < from + count; at += step) {
      const items = this.page(set, at, Math.min(step, from + count - at))
      if (items.length === 0) return
      yield items.join('')
    }
  }

  /**
   * A new result set of `entries` in the order of their keys (bytes, compared as memcmp;
   * equal keys keep their arrival order), numbered from 0, keeping only those from `offset`
   * on, `limit` of them. The entries are staged in a table of their own and sorted by
   * SQLite, which spills to temporary files: a sort of millions of records costs disk, not
   * heap. Synchronous, so the stage is empty between calls.
   */
  sorted(
    entries: Iterable<readonly [key: Uint8Array, item: string]>,
    offset = 0,
    limit = Infinity,
  ): StoredResult {
    const stage = (this.stage ??= this.prepareStage())
    const set = this.open()
    let seq = 0
    try {
      const batch: (Uint8Array | number | string)[] = []
      this.db.exec('BEGIN')
      for (const [key, item] of entries) {
        batch.push(key, seq++, item)
        if (batch.length === ROWS_PER_INSERT * 3) {
          stage.insertMany.run(...batch)
          batch.length = 0
        }
        if (seq % ROWS_PER_TRANSACTION === 0) this.db.exec('COMMIT; BEGIN')
      }
      for (let i = 0; i < batch.length; i += 3)
        stage.insertOne.run(batch[i], batch[i + 1], batch[i + 2])
      const kept = Number.isFinite(limit) ? limit : -1
      const size = stage.sort.run(set, offset, kept, offset).changes
      this.db.exec('COMMIT')
      return { set, size }
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('COMMIT')
      this.dropSet.run(set)
      throw err
    } finally {
      // The whole table at once: SQLite truncates rather than deleting row by row.
      stage.clear.run()
    }
  }

  private stage: ReturnType<ResultStore['prepareStage']> | undefined

  private prepareStage() {
    this.db.exec(
      'CREATE TABLE sort_stage (key BLOB NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL)',
    )
    return {
      insertMany: this.db.prepare(
        'INSERT INTO sort_stage (key, seq, item) VALUES ' +
          Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?, ?)').join(','),
      ),
      insertOne: this.db.prepare('INSERT INTO sort_stage (key, seq, item) VALUES (?, ?, ?)'),
      // One sort serves both the numbering and the order (the window's order is the query's).
      sort: this.db.prepare<[number, number, number, number]>(
        'INSERT INTO results (set_id, seq, item) SELECT ?, row_number() OVER (ORDER BY key, seq) - 1 - ?, item FROM sort_stage ORDER BY key, seq LIMIT ? OFFSET ?',
      ),
      clear: this.db.prepare('DELETE FROM sort_stage'),
    }
  }

  /**
   * The items of a set from position `from` on, one at a time, read `step` at a time as the
   * caller pulls (a Bulk ingest job's upload pieces and row outcomes).
   */
  *items(set: number, from = 0, step = 2000): Generator<string> {
    for (let at = from; ; at += step) {
      const items = this.page(set, at, step)
      yield* items
      if (items.length < step) return
    }
  }

  /** Forgets a result set (a deleted job, an expired locator). */
  drop(set: number): void {
    this.dropSet.run(set)
  }

  close(): void {
    if (this.db.open) this.db.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
