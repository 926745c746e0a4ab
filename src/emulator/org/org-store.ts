// The emulated org's records, kept in SQLite (record-access.ts, sqlite-records.ts) and read
// lazily, so the heap stays flat at millions of records. Implements OrgWriter, so every API
// path (REST, collections, composite, Bulk) validates records the same way. A transaction is
// a SQLite transaction: a refused write rolls back in the file, with nothing to undo in
// memory; its writes reach the commit listener (commit-feed.ts) once it commits.

import {
  ApiError,
  MultipleMatchesError,
  type FieldDef,
  type ObjectDef,
  type OrgWriter,
  type RecordRow,
  type SaveResult,
  type WriteContext,
} from '../model/index.js'
import { toId18, type IdGenerator } from '../ids/record-id.js'
import { display, normalise } from './coerce-value.js'
import { CommitFeed, type RowChange } from './commit-feed.js'
import { ComputedFields } from './computed-fields.js'
import { ObjectCatalog } from './object-catalog.js'
import { RecordAccess } from './record-access.js'
import { checkFields, checkRequired, type RuleLookups } from './record-rules.js'
import { requireOperation } from './object-operations.js'
import type { SqliteRecords } from './sqlite-records.js'

export type { RowChange } from './commit-feed.js'

export class OrgStore implements OrgWriter, RuleLookups {
  private readonly catalog: ObjectCatalog
  private readonly access: RecordAccess
  /** Above 0 while a delete moves children along: they go even where the API may not delete. */
  private cascading = 0
  private inTransaction = false
  /** Rows written in the open transaction, for the commit listener (Pub/Sub CDC). */
  private readonly feed = new CommitFeed()
  private readonly computed: ComputedFields

  constructor(
    schema: ObjectDef[],
    private readonly ids: IdGenerator,
    now: () => Date,
    private readonly records: SqliteRecords,
  ) {
    this.catalog = new ObjectCatalog(schema)
    this.access = new RecordAccess(schema, records)
    this.computed = new ComputedFields(now, (o, f) => records.maxNumber(o, f))
    // Ids resume after the highest stored one; nothing else is read at start.
    for (const { prefix, counter } of records.idCounters()) {
      const id = toId18(`${prefix}000${counter}`)
      if (id !== undefined) this.ids.observe(id)
    }
  }

  // ---- OrgReader ----

  getObject(name: string): ObjectDef | undefined {
    return this.catalog.object(name)
  }

  objectForId(id: string): ObjectDef | undefined {
    return this.catalog.objectForId(id)
  }

  objects(): ObjectDef[] {
    return this.catalog.schema
  }

  *rows(objectName: string): Generator<RecordRow> {
    const obj = this.getObject(objectName)
    if (obj) yield* this.access.rows(obj)
  }

  getRow(objectName: string, id: string): RecordRow | undefined {
    const obj = this.getObject(objectName)
    const id18 = toId18(id)
    if (!obj || id18 === undefined) return undefined
    return this.access.get(obj, id18)
  }

  /**
   * The rows (deleted ones included) whose `fieldName` is one of `values`, in insertion
   * order, from an index; undefined when the field has none (the caller scans instead).
   * Values compare as the index does: ids by their 15 first characters, text as the field's
   * case rule says. Callers still apply their own full test to each row.
   */
  rowsWhere(
    objectName: string,
    fieldName: string,
    values: readonly string[],
  ): Iterable<RecordRow> | undefined {
    const obj = this.getObject(objectName)
    const f = obj ? this.field(obj.name, fieldName) : undefined
    if (!obj || !f) return undefined
    return this.access.rowsWhere(obj, f, values)
  }

  /** How many records of the object are not in the recycle bin. */
  count(objectName: string): number {
    const obj = this.getObject(objectName)
    return obj ? this.access.count(obj) : 0
  }

  // ---- lookups for the rules and the routes ----

  field(objectName: string, fieldName: string): FieldDef | undefined {
    return this.catalog.field(objectName, fieldName)
  }

  relationshipField(objectName: string, name: string): FieldDef | undefined {
    return this.catalog.relationshipField(objectName, name)
  }

  /** Ids of the live rows whose `fieldName` equals `value` (case-insensitive unless the field is case-sensitive). */
  findByField(objectName: string, fieldName: string, value: string): string[] {
    const obj = this.getObject(objectName)
    const f = this.field(objectName, fieldName)
    if (!obj || !f) return []
    if (this.access.isKeyed(obj, f)) return this.access.liveIds(obj, f, value)
    const out: string[] = []
    for (const row of this.rows(obj.name)) {
      const v = row[f.name]
      if (
        !row.IsDeleted &&
        v !== null &&
        v !== undefined &&
        normalise(f, v) === normalise(f, value)
      )
        out.push(row.Id)
    }
    return out
  }

  newId(keyPrefix: string): string {
    return this.ids.next(keyPrefix)
  }

  // ---- OrgWriter ----

  create(objectName: string, fields: Record<string, unknown>, ctx: WriteContext): SaveResult {
    return this.transaction(() => {
      const obj = this.requireObject(objectName)
      requireOperation(obj, 'insert')
      const values = checkFields(this, obj, fields, 'create')
      const id = this.ids.next(obj.keyPrefix)
      const stamp = this.computed.stamp()
      const row: Record<string, unknown> = {}
      for (const f of obj.fields) {
        row[f.name] = values.has(f.name)
          ? values.get(f.name)
          : f.type === 'boolean'
            ? (f.defaultValue ?? false)
            : (f.defaultValue ?? null)
      }
      Object.assign(row, { Id: id, IsDeleted: false, CreatedDate: stamp, CreatedById: ctx.userId })
      Object.assign(row, {
        LastModifiedDate: stamp,
        LastModifiedById: ctx.userId,
        SystemModstamp: stamp,
      })
      if ('OwnerId' in row && row.OwnerId === null) row.OwnerId = ctx.userId
      this.computed.apply(obj, row, true)
      checkRequired(obj, row)
      this.checkUnique(obj, row)
      this.setRow(obj.name, row as RecordRow, true)
      return { id }
    })
  }

  update(
    objectName: string,
    id: string,
    fields: Record<string, unknown>,
    ctx: WriteContext,
  ): SaveResult {
    return this.transaction(() => {
      const obj = this.requireObject(objectName)
      requireOperation(obj, 'update')
      const current = this.requireLiveRow(obj, id)
      const values = checkFields(this, obj, fields, 'update')
      const row: Record<string, unknown> = { ...current }
      for (const [name, value] of values) row[name] = value
      const stamp = this.computed.stamp()
      Object.assign(row, {
        LastModifiedDate: stamp,
        LastModifiedById: ctx.userId,
        SystemModstamp: stamp,
      })
      this.computed.apply(obj, row, false)
      checkRequired(obj, row, new Set(values.keys()))
      this.checkUnique(obj, row)
      this.setRow(obj.name, row as RecordRow)
      return { id: current.Id }
    })
  }

  upsert(
    objectName: string,
    externalIdField: string,
    value: string,
    fields: Record<string, unknown>,
    ctx: WriteContext,
  ): SaveResult {
    return this.transaction(() => {
      const obj = this.requireObject(objectName)
      const f = this.field(obj.name, externalIdField)
      if (!f || !(f.externalId || f.name === 'Id')) {
        throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
      }
      const body = Object.fromEntries(
        Object.entries(fields).filter(([k]) => k.toLowerCase() !== f.name.toLowerCase()),
      )
      if (f.name === 'Id') {
        const row = this.getRow(obj.name, value)
        if (!row || row.IsDeleted)
          throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
        return { ...this.update(obj.name, row.Id, body, ctx), created: false }
      }
      const matches = this.findByField(obj.name, f.name, value)
      if (matches.length > 1) throw new MultipleMatchesError(obj.name, f.name, value, matches)
      if (matches.length === 1)
        return { ...this.update(obj.name, matches[0]!, body, ctx), created: false }
      return { ...this.create(obj.name, { ...body, [f.name]: value }, ctx), created: true }
    })
  }

  delete(objectName: string, id: string, ctx: WriteContext): SaveResult {
    return this.transaction(() => {
      const obj = this.requireObject(objectName)
      if (this.cascading === 0) requireOperation(obj, 'delete')
      const current = this.requireLiveRow(obj, id)
      this.cascadeDelete(obj, current.Id, ctx)
      const stamp = this.computed.stamp()
      this.setRow(obj.name, {
        ...current,
        IsDeleted: true,
        LastModifiedDate: stamp,
        LastModifiedById: ctx.userId,
        SystemModstamp: stamp,
      })
      return { id: current.Id }
    })
  }

  hardDelete(objectName: string, id: string, _ctx: WriteContext): SaveResult {
    return this.transaction(() => {
      const obj = this.requireObject(objectName)
      requireOperation(obj, 'delete')
      const current = this.getRow(obj.name, id)
      if (!current) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
      this.removeRow(obj.name, current.Id)
      return { id: current.Id }
    })
  }

  /**
   * Restore a record from the recycle bin (SOAP/Apex `undelete`; the REST API has none).
   */
  undelete(objectName: string, id: string, ctx: WriteContext): SaveResult {
    return this.transaction(() => {
      const obj = this.requireObject(objectName)
      const current = this.getRow(obj.name, id)
      if (!current) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
      if (!current.IsDeleted)
        throw new ApiError(400, 'UNDELETE_FAILED', 'Entity is not in the recycle bin', [])
      const row: Record<string, unknown> = { ...current, IsDeleted: false }
      const stamp = this.computed.stamp()
      Object.assign(row, {
        LastModifiedDate: stamp,
        LastModifiedById: ctx.userId,
        SystemModstamp: stamp,
      })
      this.checkUnique(obj, row)
      this.setRow(obj.name, row as RecordRow)
      return { id: current.Id }
    })
  }

  /**
   * Hear every committed transaction's writes, in order (the Pub/Sub server turns them into
   * change events). One listener; it must not write to the store.
   */
  onCommit(listener: ((changes: RowChange[]) => void) | undefined): void {
    this.feed.listen(listener)
  }

  transaction<T>(fn: () => T): T {
    if (this.inTransaction) return fn()
    this.inTransaction = true
    this.records.begin()
    let result: T
    try {
      result = fn()
      this.records.commit()
    } catch (err) {
      this.records.rollback()
      this.feed.rolledBack()
      throw err
    } finally {
      this.inTransaction = false
    }
    this.feed.committed()
    return result
  }

  /** Store a row as is, without validation (org bootstrap: the org file's users). */
  insertRaw(objectName: string, fields: Record<string, unknown>): RecordRow {
    const obj = this.requireObject(objectName)
    const row: Record<string, unknown> = {}
    for (const f of obj.fields)
      row[f.name] = fields[f.name] ?? (f.type === 'boolean' ? false : null)
    this.transaction(() => this.setRow(obj.name, row as RecordRow))
    return row as RecordRow
  }

  // ---- internals ----

  /** Move the children Salesforce deletes with this record to the recycle bin too. */
  private cascadeDelete(obj: ObjectDef, id: string, ctx: WriteContext): void {
    for (const rel of obj.childRelationships) {
      if (!rel.cascadeDelete) continue
      const candidates =
        this.rowsWhere(rel.childSObject, rel.field, [id]) ?? this.rows(rel.childSObject)
      const children = [...candidates].filter((row) => !row.IsDeleted && row[rel.field] === id)
      for (const child of children) {
        if (!this.getRow(rel.childSObject, child.Id)?.IsDeleted) {
          this.cascading++
          try {
            this.delete(rel.childSObject, child.Id, ctx)
          } finally {
            this.cascading--
          }
        }
      }
    }
  }

  private requireObject(name: string): ObjectDef {
    const obj = this.getObject(name)
    if (!obj) throw new ApiError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`)
    return obj
  }

  private requireLiveRow(obj: ObjectDef, id: string): RecordRow {
    const id18 = toId18(id)
    if (id18 === undefined) throw new ApiError(400, 'MALFORMED_ID', `malformed id ${id}`)
    const row = this.getRow(obj.name, id18)
    if (!row) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
    if (row.IsDeleted) throw new ApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted', [])
    return row
  }

  private checkUnique(obj: ObjectDef, row: Record<string, unknown>): void {
    for (const f of this.access.keyedFields(obj)) {
      const v = row[f.name]
      if (!f.unique || v === null || v === undefined) continue
      const other = this.findByField(obj.name, f.name, display(v)).find((id) => id !== row.Id)
      if (other !== undefined) {
        throw new ApiError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${other.slice(0, 15)}`,
          [f.name],
        )
      }
    }
  }

  /** Writes a row; `fresh` when its id was just made, so there is no old row to read. */
  private setRow(objectName: string, row: RecordRow, fresh = false): void {
    const obj = this.getObject(objectName)!
    const old = fresh ? undefined : this.access.get(obj, row.Id)
    if (this.inTransaction) this.feed.record({ objectName, before: old, after: row })
    if (fresh) this.access.insert(obj, row)
    else this.access.write(obj, row, old)
  }

  private removeRow(objectName: string, id: string): void {
    const obj = this.getObject(objectName)!
    const old = this.access.get(obj, id)
    if (!old) return
    if (this.inTransaction) this.feed.record({ objectName, before: old, after: undefined })
    this.access.remove(obj, old)
  }
}
