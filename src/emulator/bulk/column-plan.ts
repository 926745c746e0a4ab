// How each column of an uploaded Bulk CSV maps onto the object: a field, the record Id, or a
// relationship column such as `Account.Ext__c` that names the parent by an external id.
// Values become the JSON values OrgWriter validates: `#N/A` sets null and an empty cell
// leaves the field alone (Bulk API 2.0 rules, salesforce-api.md §6.1).

import { scalarText } from '../composite/index.js'
import { ApiError, type FieldDef, type ObjectDef, type OrgWriter } from '../model/index.js'

type Column =
  | { kind: 'id' }
  | { kind: 'field'; field: FieldDef }
  | { kind: 'relationship'; field: FieldDef; target: ObjectDef; key: FieldDef; header: string }

/** A header the object cannot take: the job fails as Salesforce's does (InvalidBatch). */
export class UnknownColumn extends Error {
  constructor(readonly column: string) {
    super(`InvalidBatch : Field name not found : ${column}`)
  }
}

const NUMERIC = new Set(['int', 'double', 'currency', 'percent'])

function convert(field: FieldDef, raw: string): unknown {
  if (raw === '#N/A') return null
  if (field.type === 'boolean') {
    const lower = raw.toLowerCase()
    if (lower === 'true' || lower === '1') return true
    if (lower === 'false' || lower === '0') return false
  } else if (NUMERIC.has(field.type)) {
    const n = Number(raw)
    if (raw.trim() !== '' && Number.isFinite(n)) return n
  } else {
    return raw
  }
  throw new ApiError(
    400,
    'INVALID_TYPE_ON_FIELD_IN_RECORD',
    `${field.name}: value not of required type: ${raw}`,
    [field.name],
  )
}

export class ColumnPlan {
  private readonly columns: Column[]
  /** Lazily built per relationship column: external id value (lower case) → parent id. */

  constructor(
    private readonly org: OrgWriter,
    readonly obj: ObjectDef,
    headers: string[],
  ) {
    this.columns = headers.map((header) => this.column(header))
  }

  private column(header: string): Column {
    const findField = (o: ObjectDef, name: string) =>
      o.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
    if (header.toLowerCase() === 'id') return { kind: 'id' }
    const dot = header.indexOf('.')
    if (dot < 0) {
      const field = findField(this.obj, header)
      if (field === undefined) throw new UnknownColumn(header)
      return { kind: 'field', field }
    }
    const relName = header.slice(0, dot).toLowerCase()
    const field = this.obj.fields.find(
      (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === relName,
    )
    const target =
      field?.referenceTo[0] === undefined ? undefined : this.org.getObject(field.referenceTo[0])
    const key = target === undefined ? undefined : findField(target, header.slice(dot + 1))
    if (field === undefined || target === undefined || key === undefined)
      throw new UnknownColumn(header)
    if (!(key.externalId || key.name === 'Id')) throw new UnknownColumn(header)
    return { kind: 'relationship', field, target, key, header }
  }

  /** The live parent whose external id is `value` (any case); the last one when several. */
  private parentIdByKey(
    col: Extract<Column, { kind: 'relationship' }>,
    value: string,
  ): string | undefined {
    const wanted = value.toLowerCase()
    const source = this.org.rowsWhere?.(col.target.name, col.key.name, [value])
    let found: string | undefined
    for (const row of source ?? this.org.rows(col.target.name)) {
      const v = row[col.key.name]
      if (!row.IsDeleted && v !== null && v !== undefined && scalarText(v).toLowerCase() === wanted)
        found = row.Id
    }
    return found
  }

  private parentId(col: Extract<Column, { kind: 'relationship' }>, value: string): string {
    if (col.key.name === 'Id') return value
    const id = this.parentIdByKey(col, value)
    if (id === undefined) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `Foreign key external ID: ${value} not found for field ${col.key.name} in entity ${col.target.name}`,
        [col.field.name],
      )
    }
    return id
  }

  /** The record's Id cell (or undefined) and its fields as JSON values. */
  toRecord(row: string[]): { id: string | undefined; fields: Record<string, unknown> } {
    let id: string | undefined
    const fields: Record<string, unknown> = {}
    this.columns.forEach((col, i) => {
      const raw = row[i] ?? ''
      if (raw === '') return
      if (col.kind === 'id') id = raw
      else if (col.kind === 'field') fields[col.field.name] = convert(col.field, raw)
      else fields[col.field.name] = raw === '#N/A' ? null : this.parentId(col, raw)
    })
    return { id, fields }
  }
}
