// Reading and writing the org's records in SQLite (sqlite-records.ts) as RecordRows: a row
// is stored as JSON without its empty fields and read back with them, in the object's field
// order; its keyed fields (unique, external id, lookups) are kept as index keys, so that
// equality lookups read only the rows they need. No validation here: OrgStore decides what
// may be written, this decides how it is stored.

import type { FieldDef, ObjectDef, RecordRow } from '../model/index.js'
import { toId18 } from '../ids/record-id.js'
import { display, normalise } from './coerce-value.js'
import type { RowKey, SqliteRecords } from './sqlite-records.js'

// The audit lookups: every record has them, and no query of an integration selects by them
// (a query on them scans). OwnerId is keyed although a Bulk load gives every row one owner:
// "my records" (`OwnerId = :me`) is an everyday query, and without a key a user who owns few
// rows cost a scan of the object (20 s at 5,000,000 rows) for about 9% of Bulk ingest.
const UNKEYED_LOOKUPS = new Set(['CreatedById', 'LastModifiedById'])

export class RecordAccess {
  /** Fields with a key per record: unique, external id and lookup fields. */
  private readonly keyed = new Map<string, FieldDef[]>()

  constructor(
    schema: readonly ObjectDef[],
    private readonly records: SqliteRecords,
  ) {
    for (const o of schema) {
      this.keyed.set(
        o.name,
        o.fields.filter(
          (f) =>
            f.unique || f.externalId || (f.type === 'reference' && !UNKEYED_LOOKUPS.has(f.name)),
        ),
      )
    }
    const byName = new Map(schema.map((o) => [o.name.toLowerCase(), o]))
    // When the keyed fields differ from those the file was written with, keys are rebuilt.
    const signature = schema
      .map(
        (o) =>
          `${o.name}:${this.keyed
            .get(o.name)!
            .map((f) => `${f.name}/${f.caseSensitive === true}`)
            .join(',')}`,
      )
      .join(';')
    records.rebuildKeys(signature, (objectName, data) => {
      const obj = byName.get(objectName.toLowerCase())
      return obj ? this.keysOf(obj.name, JSON.parse(data) as Record<string, unknown>) : []
    })
  }

  /** Whether the field has an index key per record. */
  isKeyed(obj: ObjectDef, f: FieldDef): boolean {
    return this.keyed.get(obj.name)!.includes(f)
  }

  /** The fields with index keys of an object. */
  keyedFields(obj: ObjectDef): readonly FieldDef[] {
    return this.keyed.get(obj.name)!
  }

  /** Every record of the object (deleted ones included), in insertion order. */
  *rows(obj: ObjectDef): Generator<RecordRow> {
    for (const data of this.records.scan(obj.name)) yield decode(obj, data)
  }

  /** The record with this 18-character id, when it is one of the object's. */
  get(obj: ObjectDef, id18: string): RecordRow | undefined {
    const found = this.records.get(id18)
    return found && found.object === obj.name ? decode(obj, found.data) : undefined
  }

  /** The rows whose field is one of `values`, from the index; undefined when it has none. */
  rowsWhere(
    obj: ObjectDef,
    f: FieldDef,
    values: readonly string[],
  ): Iterable<RecordRow> | undefined {
    if (f.name === 'Id') {
      const ids = values.map((v) => toId18(v)).filter((v): v is string => v !== undefined)
      return this.decodeAll(obj, this.idRows(obj.name, ids))
    }
    if (!this.isKeyed(obj, f)) return undefined
    const keys = [...new Set(values.map((v) => keyValue(f, v)))]
    return this.decodeAll(obj, this.records.byKeys(obj.name, f.name, keys))
  }

  /** Ids of the live rows whose keyed field holds `value`. */
  liveIds(obj: ObjectDef, f: FieldDef, value: unknown): string[] {
    return this.records.liveIds(obj.name, f.name, keyValue(f, value))
  }

  count(obj: ObjectDef): number {
    return this.records.count(obj.name)
  }

  /**
   * Writes a row. `old` is the stored row it replaces (its keys are moved), undefined for a
   * new record, whose keys are only added.
   */
  write(obj: ObjectDef, row: RecordRow, old: RecordRow | undefined): void {
    this.records.put(
      row.Id,
      obj.name,
      row.IsDeleted === true,
      encode(row),
      old ? this.keysOf(obj.name, old) : [],
      this.keysOf(obj.name, row),
    )
  }

  /** Adds a record whose id was just made (nothing stored has it): written in batches. */
  insert(obj: ObjectDef, row: RecordRow): void {
    this.records.insert(
      row.Id,
      obj.name,
      row.IsDeleted === true,
      encode(row),
      this.keysOf(obj.name, row),
    )
  }

  /** Removes a stored row and its keys for good. */
  remove(obj: ObjectDef, old: RecordRow): void {
    this.records.remove(old.Id, obj.name, this.keysOf(obj.name, old))
  }

  private *idRows(objectName: string, ids: readonly string[]): Generator<string> {
    for (const r of this.records.byIds(ids)) if (r.object === objectName) yield r.data
  }

  private *decodeAll(obj: ObjectDef, data: Iterable<string>): Generator<RecordRow> {
    for (const d of data) yield decode(obj, d)
  }

  /** The index keys of a row: its keyed fields' values (live and deleted rows alike). */
  private keysOf(objectName: string, row: Record<string, unknown>): RowKey[] {
    const keys: RowKey[] = []
    for (const f of this.keyed.get(objectName)!) {
      const v = row[f.name]
      if (v === null || v === undefined) continue
      keys.push([f.name, keyValue(f, v)])
    }
    return keys
  }
}

/** How a keyed field's value is indexed: a lookup by the 15-character id, text by its case rule. */
function keyValue(f: FieldDef, v: unknown): string {
  return f.type === 'reference' ? display(v).slice(0, 15) : normalise(f, v)
}

/** A row as stored: JSON without its null fields (most of an object's fields are empty). */
function encode(row: RecordRow): string {
  // Only the row's own empty fields: a compound value keeps its null parts. A copy without
  // them is stringified rather than a replacer called for every value (several times faster).
  const kept: Record<string, unknown> = {}
  for (const k in row) {
    const v = row[k]
    if (v !== null && v !== undefined) kept[k] = v
  }
  return JSON.stringify(kept)
}

/** Each object's field names, in order, and as a set: made once, read for every row. */
const fieldNames = new WeakMap<ObjectDef, { list: string[]; set: Set<string> }>()

/** A stored row with its null fields back, in the object's field order. */
function decode(obj: ObjectDef, data: string): RecordRow {
  let names = fieldNames.get(obj)
  if (names === undefined) {
    const list = obj.fields.map((f) => f.name)
    fieldNames.set(obj, (names = { list, set: new Set(list) }))
  }
  const stored = JSON.parse(data) as Record<string, unknown>
  const row: Record<string, unknown> = {}
  for (const name of names.list) {
    const v = stored[name]
    row[name] = v === undefined ? null : v
  }
  // Keys the object no longer declares (an org file that dropped a field) come after.
  for (const k in stored) if (!names.set.has(k)) row[k] = stored[k]
  return row as RecordRow
}
