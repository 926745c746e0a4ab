// The emulated org's records: in-memory tables and unique-value indexes, written through
// to SQLite when a data dir is given. Implements OrgWriter, so every API path (REST,
// collections, composite, Bulk) validates records the same way.

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
import { applyComputedName } from './computed-name.js'
import { applyCompoundAddresses } from './compound-address.js'
import { checkFields, checkRequired, type RuleLookups } from './record-rules.js'
import { formatDateTime } from './sf-datetime.js'
import type { RecordChange, SqlitePersistence } from './sqlite-persistence.js'

/** One row written in a committed transaction: before and after (undefined when absent). */
export interface RowChange {
  objectName: string
  before: RecordRow | undefined
  after: RecordRow | undefined
}

interface Undo {
  objectName: string
  row: RecordRow | undefined
}

export class OrgStore implements OrgWriter, RuleLookups {
  private readonly byName = new Map<string, ObjectDef>()
  private readonly byPrefix = new Map<string, ObjectDef>()
  private readonly fieldMaps = new Map<string, Map<string, FieldDef>>()
  private readonly relMaps = new Map<string, Map<string, FieldDef>>()
  private readonly tables = new Map<string, Map<string, RecordRow>>()
  /** `Object.Field` → normalised value → ids of live rows, for unique and external id fields. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>()
  private readonly indexed = new Map<string, FieldDef[]>()
  private undo: Map<string, Undo> | null = null
  private readonly dirty = new Map<string, string>()
  /** Rows written in the open transaction, in order, for the commit listener (Pub/Sub CDC). */
  private written: RowChange[] = []
  private commitListener: ((changes: RowChange[]) => void) | undefined
  /** Last auto-number given per `Object.Field` (CaseNumber, ContractNumber, ...). */
  private readonly autoNumbers = new Map<string, number>()

  constructor(
    private readonly schema: ObjectDef[],
    private readonly ids: IdGenerator,
    private readonly now: () => Date,
    private readonly persistence?: SqlitePersistence,
  ) {
    for (const o of schema) {
      this.byName.set(o.name.toLowerCase(), o)
      this.byPrefix.set(o.keyPrefix, o)
      this.fieldMaps.set(o.name, new Map(o.fields.map((f) => [f.name.toLowerCase(), f])))
      this.relMaps.set(
        o.name,
        new Map(
          o.fields
            .filter((f) => f.relationshipName)
            .map((f) => [f.relationshipName!.toLowerCase(), f]),
        ),
      )
      this.tables.set(o.name, new Map())
      this.indexed.set(
        o.name,
        o.fields.filter((f) => f.unique || f.externalId),
      )
    }
    for (const { objectName, row } of persistence?.load() ?? []) {
      const obj = this.getObject(objectName)
      if (!obj) continue
      this.ids.observe(row.Id)
      this.setRow(obj.name, row)
    }
  }

  // ---- OrgReader ----

  getObject(name: string): ObjectDef | undefined {
    return this.byName.get(name.toLowerCase())
  }

  objectForId(id: string): ObjectDef | undefined {
    return this.byPrefix.get(id.slice(0, 3))
  }

  objects(): ObjectDef[] {
    return this.schema
  }

  rows(objectName: string): Iterable<RecordRow> {
    const obj = this.getObject(objectName)
    return obj ? this.tables.get(obj.name)!.values() : []
  }

  getRow(objectName: string, id: string): RecordRow | undefined {
    const obj = this.getObject(objectName)
    const id18 = toId18(id)
    if (!obj || id18 === undefined) return undefined
    return this.tables.get(obj.name)!.get(id18)
  }

  // ---- lookups for the rules and the routes ----

  field(objectName: string, fieldName: string): FieldDef | undefined {
    const obj = this.getObject(objectName)
    return obj ? this.fieldMaps.get(obj.name)!.get(fieldName.toLowerCase()) : undefined
  }

  relationshipField(objectName: string, name: string): FieldDef | undefined {
    const obj = this.getObject(objectName)
    return obj ? this.relMaps.get(obj.name)!.get(name.toLowerCase()) : undefined
  }

  /** Ids of the live rows whose `fieldName` equals `value` (case-insensitive unless the field is case-sensitive). */
  findByField(objectName: string, fieldName: string, value: string): string[] {
    const obj = this.getObject(objectName)
    const f = this.field(objectName, fieldName)
    if (!obj || !f) return []
    const index = this.indexes.get(`${obj.name}.${f.name}`)
    if (index) return [...(index.get(normalise(f, value)) ?? [])]
    const out: string[] = []
    for (const row of this.tables.get(obj.name)!.values()) {
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
      const values = checkFields(this, obj, fields, 'create')
      const id = this.ids.next(obj.keyPrefix)
      const stamp = formatDateTime(this.now())
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
      this.computeFields(obj, row, true)
      checkRequired(obj, row)
      this.checkUnique(obj, row)
      this.setRow(obj.name, row as RecordRow)
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
      const current = this.requireLiveRow(obj, id)
      const values = checkFields(this, obj, fields, 'update')
      const row: Record<string, unknown> = { ...current }
      for (const [name, value] of values) row[name] = value
      const stamp = formatDateTime(this.now())
      Object.assign(row, {
        LastModifiedDate: stamp,
        LastModifiedById: ctx.userId,
        SystemModstamp: stamp,
      })
      this.computeFields(obj, row, false)
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
      const current = this.requireLiveRow(obj, id)
      this.cascadeDelete(obj, current.Id, ctx)
      const stamp = formatDateTime(this.now())
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
      const stamp = formatDateTime(this.now())
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
    this.commitListener = listener
  }

  transaction<T>(fn: () => T): T {
    if (this.undo) return fn()
    this.undo = new Map()
    let result: T
    try {
      result = fn()
      this.flush()
    } catch (err) {
      const entries = [...this.undo.entries()].reverse()
      this.undo = null
      for (const [id, { objectName, row }] of entries) {
        if (row) this.setRow(objectName, row)
        else this.removeRow(objectName, id)
      }
      this.dirty.clear()
      this.written = []
      throw err
    } finally {
      this.undo = null
    }
    const written = this.written
    this.written = []
    if (written.length > 0) this.commitListener?.(written)
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
      const children = [...this.tables.get(rel.childSObject)!.values()].filter(
        (row) => !row.IsDeleted && row[rel.field] === id,
      )
      for (const child of children) {
        if (!this.tables.get(rel.childSObject)!.get(child.Id)?.IsDeleted) {
          this.delete(rel.childSObject, child.Id, ctx)
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
    const row = this.tables.get(obj.name)!.get(id18)
    if (!row) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
    if (row.IsDeleted) throw new ApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted', [])
    return row
  }

  /** Fields Salesforce computes: auto-numbers, a person's Name, compound addresses, a custom object's default Name. */
  private computeFields(obj: ObjectDef, row: Record<string, unknown>, creating: boolean): void {
    if (creating) {
      for (const f of obj.fields) if (f.autoNumber) row[f.name] = this.nextNumber(obj, f.name)
    }
    applyComputedName(obj, row)
    applyCompoundAddresses(obj, row)
  }

  /** The next auto-number of `Object.Field` (00001001, ...), after the highest one stored. */
  private nextNumber(obj: ObjectDef, fieldName: string): string {
    const key = `${obj.name}.${fieldName}`
    let n = this.autoNumbers.get(key)
    if (n === undefined) {
      n = 1000
      for (const r of this.tables.get(obj.name)!.values())
        n = Math.max(n, Number(r[fieldName]) || 0)
    }
    this.autoNumbers.set(key, ++n)
    return String(n).padStart(8, '0')
  }

  private checkUnique(obj: ObjectDef, row: Record<string, unknown>): void {
    for (const f of this.indexed.get(obj.name)!) {
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

  private setRow(objectName: string, row: RecordRow): void {
    const table = this.tables.get(objectName)!
    const old = table.get(row.Id)
    this.remember(objectName, row.Id, old)
    if (this.undo && this.commitListener) this.written.push({ objectName, before: old, after: row })
    if (old) this.unindex(objectName, old)
    table.set(row.Id, row)
    if (!row.IsDeleted) this.index(objectName, row)
  }

  private removeRow(objectName: string, id: string): void {
    const table = this.tables.get(objectName)!
    const old = table.get(id)
    if (!old) return
    this.remember(objectName, id, old)
    if (this.undo && this.commitListener)
      this.written.push({ objectName, before: old, after: undefined })
    this.unindex(objectName, old)
    table.delete(id)
  }

  private remember(objectName: string, id: string, old: RecordRow | undefined): void {
    if (this.undo && !this.undo.has(id)) this.undo.set(id, { objectName, row: old })
    if (this.persistence) this.dirty.set(id, objectName)
  }

  private index(objectName: string, row: RecordRow): void {
    for (const f of this.indexed.get(objectName)!) {
      const v = row[f.name]
      if (v === null || v === undefined) continue
      const key = `${objectName}.${f.name}`
      let index = this.indexes.get(key)
      if (!index) this.indexes.set(key, (index = new Map<string, Set<string>>()))
      const norm = normalise(f, v)
      let ids = index.get(norm)
      if (!ids) index.set(norm, (ids = new Set()))
      ids.add(row.Id)
    }
  }

  private unindex(objectName: string, row: RecordRow): void {
    for (const f of this.indexed.get(objectName)!) {
      const v = row[f.name]
      if (v === null || v === undefined) continue
      const index = this.indexes.get(`${objectName}.${f.name}`)
      const norm = normalise(f, v)
      const ids = index?.get(norm)
      ids?.delete(row.Id)
      if (ids?.size === 0) index!.delete(norm)
    }
  }

  private flush(): void {
    if (!this.persistence || this.dirty.size === 0) return
    const changes: RecordChange[] = []
    for (const [id, objectName] of this.dirty) {
      changes.push({ objectName, id, row: this.tables.get(objectName)!.get(id) })
    }
    this.dirty.clear()
    this.persistence.write(changes)
  }
}
