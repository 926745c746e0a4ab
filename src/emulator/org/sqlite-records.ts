// Where the org's records live: one SQLite file (better-sqlite3, synchronous), the data
// folder's `org.sqlite` or a temporary file removed at close. Records are read lazily, so
// the heap holds no table however many records the org has.
//
// One generic table (`records`: id, object, deleted flag, JSON with null fields left out)
// rather than a table per object: the schema comes from the org file and may gain fields or
// objects between runs, and every query the emulator pushes down is "these ids" or "the rows
// whose field F has one of these values", which a second table of keys (`record_keys`:
// object, field, value, id) answers from one index for any object. Keys are kept for unique
// and external-id fields and for lookups (not the audit lookups CreatedById and
// LastModifiedById, which every record has and no query of ours selects by).

import { rmSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { openOrgDatabase } from './org-database.js'

/** One key of a row: `field` holds `value` (already normalised by the caller). */
export type RowKey = readonly [field: string, value: string]

// New records per multi-row INSERT: one statement call for this many rows (and their keys)
// instead of one each, the largest share of a Bulk insert's cost in better-sqlite3.
const INSERT_BATCH = 64

// Rows read per step of a scan: large enough to amortise the statement, small enough that
// a `LIMIT 1` query parses little and writes between steps are safe.
const SCAN_STEP = 256

// Values per IN list: under SQLite's bound-parameter limit.
const IN_CHUNK = 500

// Matches of a keyed lookup read at once and put in insertion order; more are streamed.
const GATHERED_MATCHES = 10_000

export class SqliteRecords {
  private readonly db: Database.Database
  private readonly tempDir: string | undefined
  private readonly stmts: ReturnType<SqliteRecords['prepare']>
  private readonly inLists = new Map<string, Database.Statement>()
  /**
   * New records (id, object, deleted, data) and their keys (object, field, value, id) not yet
   * in the file: written by the next multi-row INSERT, and before any other statement runs,
   * so every read sees them. liveIds looks at pending keys itself (a Bulk insert checks each
   * new row's unique fields, which must not flush the batch on every row).
   */
  private readonly pendingRecords: (string | number)[] = []
  private readonly pendingKeys: string[] = []
  private readonly insertRecords: Database.Statement
  private readonly insertKeys: Database.Statement

  /** Opens `<dataDir>/org.sqlite`, or a temporary file when `dataDir` is undefined. */
  constructor(dataDir: string | undefined) {
    const opened = openOrgDatabase(dataDir)
    this.db = opened.db
    this.tempDir = opened.tempDir
    this.stmts = this.prepare()
    const values = (n: number, one: string) => Array.from({ length: n }, () => one).join(',')
    this.insertRecords = this.db.prepare(
      `INSERT INTO records (id, object, deleted, data) VALUES ${values(INSERT_BATCH, '(?, ?, ?, ?)')}`,
    )
    this.insertKeys = this.db.prepare(
      `INSERT OR IGNORE INTO record_keys (object, field, value, id) VALUES ${values(INSERT_BATCH, '(?, ?, ?, ?)')}`,
    )
  }

  /**
   * Adds a record whose id was just made (no stored row has it) with its keys; written in
   * batches. put() is for rows that may exist.
   */
  insert(
    id: string,
    object: string,
    deleted: boolean,
    data: string,
    keys: readonly RowKey[],
  ): void {
    this.pendingRecords.push(id, object, deleted ? 1 : 0, data)
    for (const [field, value] of keys) this.pendingKeys.push(object, field, value, id)
    if (this.pendingRecords.length >= INSERT_BATCH * 4) this.flush()
  }

  /** Writes the pending new records: full batches in one statement, the rest one by one. */
  private flush(): void {
    if (this.pendingRecords.length > 0) {
      writeBatched(this.pendingRecords, this.insertRecords, this.stmts.insert)
      writeBatched(this.pendingKeys, this.insertKeys, this.stmts.addKey)
    }
  }

  private prepare() {
    const db = this.db
    return {
      get: db.prepare<[string], { object: string; data: string }>(
        'SELECT object, data FROM records WHERE id = ?',
      ),
      scan: db.prepare<[string, number, number], { rowid: number; data: string }>(
        'SELECT rowid, data FROM records WHERE object = ? AND rowid > ? ORDER BY rowid LIMIT ?',
      ),
      put: db.prepare<[string, string, number, string]>(
        'INSERT INTO records (id, object, deleted, data) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET object = excluded.object, deleted = excluded.deleted, data = excluded.data',
      ),
      insert: db.prepare('INSERT INTO records (id, object, deleted, data) VALUES (?, ?, ?, ?)'),
      remove: db.prepare<[string]>('DELETE FROM records WHERE id = ?'),
      addKey: db.prepare<[string, string, string, string]>(
        'INSERT OR IGNORE INTO record_keys (object, field, value, id) VALUES (?, ?, ?, ?)',
      ),
      dropKey: db.prepare<[string, string, string, string]>(
        'DELETE FROM record_keys WHERE object = ? AND field = ? AND value = ? AND id = ?',
      ),
      keyStep: db.prepare<[string, string, string, string, number], { id: string; data: string }>(
        'SELECT k.id AS id, r.data AS data FROM record_keys k JOIN records r ON r.id = k.id WHERE k.object = ? AND k.field = ? AND k.value = ? AND k.id > ? ORDER BY k.id LIMIT ?',
      ),
      liveIds: db.prepare<[string, string, string], { id: string }>(
        'SELECT k.id FROM record_keys k JOIN records r ON r.id = k.id WHERE k.object = ? AND k.field = ? AND k.value = ? AND r.deleted = 0 ORDER BY r.rowid',
      ),
      count: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM records WHERE object = ? AND deleted = 0',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
    }
  }

  /** The stored JSON and object of one record, or undefined. */
  get(id: string): { object: string; data: string } | undefined {
    this.flush()
    return this.stmts.get.get(id)
  }

  /** Every record of `object` in insertion order, read a step at a time (writes in between are safe). */
  *scan(object: string): Generator<string> {
    this.flush()
    let after = -1
    for (;;) {
      const step = this.stmts.scan.all(object, after, SCAN_STEP)
      for (const r of step) yield r.data
      if (step.length < SCAN_STEP) return
      after = step[step.length - 1]!.rowid
    }
  }

  /**
   * The JSON of the records of `object` whose `field` key is one of `values`: in insertion
   * order when at most GATHERED_MATCHES rows match; past that (a lookup every row shares, as
   * the owner of a Bulk load), value by value in id order, a step at a time, so that the
   * heap never holds the matches. Ids are made in creation order, so both orders agree for
   * records made here; SOQL without ORDER BY promises no order either way.
   */
  *byKeys(object: string, field: string, values: readonly string[]): Generator<string> {
    this.flush()
    if (this.countKeys(object, field, values, GATHERED_MATCHES + 1) > GATHERED_MATCHES) {
      for (const value of values) {
        let after = ''
        for (;;) {
          const step = this.stmts.keyStep.all(object, field, value, after, SCAN_STEP)
          for (const r of step) yield r.data
          if (step.length < SCAN_STEP) break
          after = step[step.length - 1]!.id
        }
      }
      return
    }
    // Chunks keep under SQLite's bound-parameter limit; ordering holds within the whole
    // answer only when there is one chunk, so larger lists are sorted by rowid here.
    const rows: { rowid: number; data: string }[] = []
    for (let i = 0; i < values.length; i += IN_CHUNK) {
      const chunk = values.slice(i, i + IN_CHUNK)
      const stmt = this.inList(
        'keys',
        chunk.length,
        (marks) =>
          `SELECT r.rowid AS rowid, r.data AS data FROM records r WHERE r.id IN (SELECT id FROM record_keys WHERE object = ? AND field = ? AND value IN (${marks})) ORDER BY r.rowid`,
      )
      for (const r of stmt.all(object, field, ...chunk) as { rowid: number; data: string }[])
        rows.push(r)
    }
    if (values.length > IN_CHUNK) rows.sort((a, b) => a.rowid - b.rowid)
    for (const r of rows) yield r.data
  }

  /** How many keys of `field` hold one of `values`, counted up to `atMost`. */
  private countKeys(
    object: string,
    field: string,
    values: readonly string[],
    atMost: number,
  ): number {
    let n = 0
    for (let i = 0; i < values.length && n < atMost; i += IN_CHUNK) {
      const chunk = values.slice(i, i + IN_CHUNK)
      const stmt = this.inList(
        'count',
        chunk.length,
        (marks) =>
          `SELECT count(*) AS n FROM (SELECT 1 FROM record_keys WHERE object = ? AND field = ? AND value IN (${marks}) LIMIT ?)`,
      )
      n += (stmt.get(object, field, ...chunk, atMost - n) as { n: number }).n
    }
    return n
  }

  /** The JSON of the records with these ids (any object), in insertion order. */
  *byIds(ids: readonly string[]): Generator<{ object: string; data: string }> {
    this.flush()
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK)
      const stmt = this.inList(
        'ids',
        chunk.length,
        (marks) => `SELECT object, data FROM records WHERE id IN (${marks}) ORDER BY rowid`,
      )
      yield* stmt.all(...chunk) as { object: string; data: string }[]
    }
  }

  /**
   * The statement `sql` makes for an IN list of `n` values (`marks` is its `?, ?, …`),
   * prepared once per kind and length, not once per call.
   */
  private inList(kind: string, n: number, sql: (marks: string) => string): Database.Statement {
    const key = `${kind}${n}`
    let stmt = this.inLists.get(key)
    if (stmt === undefined) {
      stmt = this.db.prepare(sql(Array.from({ length: n }, () => '?').join(',')))
      this.inLists.set(key, stmt)
    }
    return stmt
  }

  /** Ids of the records not in the recycle bin whose `field` key is `value`. */
  liveIds(object: string, field: string, value: string): string[] {
    const ids = this.stmts.liveIds.all(object, field, value).map((r) => r.id)
    // Pending records are new and come after every stored one, in the order they were added.
    const keys = this.pendingKeys
    for (let i = 0; i < keys.length; i += 4) {
      if (keys[i + 2] === value && keys[i + 1] === field && keys[i] === object) {
        const id = keys[i + 3]!
        if (!this.pendingDeleted(id)) ids.push(id)
      }
    }
    return ids
  }

  private pendingDeleted(id: string): boolean {
    const rows = this.pendingRecords
    for (let i = 0; i < rows.length; i += 4) if (rows[i] === id) return rows[i + 2] === 1
    return false
  }

  /** How many records of `object` are not in the recycle bin. */
  count(object: string): number {
    this.flush()
    return this.stmts.count.get(object)?.n ?? 0
  }

  /** Writes a record and moves its keys from `oldKeys` to `newKeys`. */
  put(
    id: string,
    object: string,
    deleted: boolean,
    data: string,
    oldKeys: readonly RowKey[],
    newKeys: readonly RowKey[],
  ): void {
    this.flush()
    this.stmts.put.run(id, object, deleted ? 1 : 0, data)
    this.moveKeys(id, object, oldKeys, newKeys)
  }

  /** Removes a record and its keys for good. */
  remove(id: string, object: string, oldKeys: readonly RowKey[]): void {
    this.flush()
    this.stmts.remove.run(id)
    this.moveKeys(id, object, oldKeys, [])
  }

  private moveKeys(
    id: string,
    object: string,
    oldKeys: readonly RowKey[],
    newKeys: readonly RowKey[],
  ): void {
    for (const [field, value] of oldKeys) {
      if (!newKeys.some(([f, v]) => f === field && v === value))
        this.stmts.dropKey.run(object, field, value, id)
    }
    for (const [field, value] of newKeys) {
      if (!oldKeys.some(([f, v]) => f === field && v === value))
        this.stmts.addKey.run(object, field, value, id)
    }
  }

  /**
   * Rebuilds every key when the set of keyed fields changed since the file was written (an
   * org file gained an external id, or a data folder from before keys existed).
   */
  rebuildKeys(signature: string, keysOf: (object: string, data: string) => RowKey[]): void {
    this.flush()
    if (this.getMeta('keyedFields') === signature) return
    this.transaction(() => {
      this.db.exec('DELETE FROM record_keys')
      // better-sqlite3 refuses writes while a statement iterates: read by rowid steps.
      const pending: [string, string, string, string][] = []
      const flush = () => {
        for (const k of pending) this.stmts.addKey.run(...k)
        pending.length = 0
      }
      let after = -1
      const step = this.db.prepare<
        [number],
        { rowid: number; id: string; object: string; data: string }
      >('SELECT rowid, id, object, data FROM records WHERE rowid > ? ORDER BY rowid LIMIT 1000')
      for (;;) {
        const rows = step.all(after)
        for (const r of rows) {
          for (const [field, value] of keysOf(r.object, r.data))
            pending.push([r.object, field, value, r.id])
        }
        flush()
        if (rows.length < 1000) break
        after = rows[rows.length - 1]!.rowid
      }
      this.setMeta('keyedFields', signature)
    })
  }

  /** The highest id counter stored per key prefix (ids made here: prefix + `000` + counter). */
  idCounters(): { prefix: string; counter: string }[] {
    this.flush()
    return this.db
      .prepare(
        "SELECT substr(id, 1, 3) AS prefix, max(substr(id, 7, 9)) AS counter FROM records WHERE substr(id, 4, 3) = '000' GROUP BY prefix",
      )
      .all() as { prefix: string; counter: string }[]
  }

  /** The highest number stored in `field` of `object` (auto-numbers), or 0. */
  maxNumber(object: string, field: string): number {
    this.flush()
    const row = this.db
      .prepare<[string, string], { n: number | null }>(
        'SELECT max(CAST(json_extract(data, ?) AS INTEGER)) AS n FROM records WHERE object = ?',
      )
      .get(`$."${field}"`, object)
    return row?.n ?? 0
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /** Opens a transaction the caller ends with commit() or rollback(). */
  begin(): void {
    this.db.exec('BEGIN')
  }

  commit(): void {
    this.flush()
    this.db.exec('COMMIT')
  }

  rollback(): void {
    this.pendingRecords.length = 0
    this.pendingKeys.length = 0
    if (this.db.inTransaction) this.db.exec('ROLLBACK')
  }

  getMeta(key: string): string | undefined {
    this.flush()
    return this.stmts.getMeta.get(key)?.value
  }

  setMeta(key: string, value: string): void {
    this.flush()
    this.stmts.setMeta.run(key, value)
  }

  close(): void {
    if (this.db.open) {
      this.flush()
      this.db.close()
    }
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true })
  }
}

/** Runs `many` (INSERT_BATCH rows of `width` values) over full batches, `one` for the rest; empties `values`. */
function writeBatched(
  values: (string | number)[],
  many: Database.Statement,
  one: Database.Statement,
): void {
  const width = 4
  const full = Math.floor(values.length / (INSERT_BATCH * width)) * INSERT_BATCH * width
  for (let i = 0; i < full; i += INSERT_BATCH * width)
    many.run(...values.slice(i, i + INSERT_BATCH * width))
  for (let i = full; i < values.length; i += width) one.run(...values.slice(i, i + width))
  values.length = 0
}
