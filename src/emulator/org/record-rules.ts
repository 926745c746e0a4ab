// The checks Salesforce applies to the fields of one create or update request, in the
// order it applies them: unknown fields, read-only fields, value types, references.

import { ApiError, type FieldDef, type ObjectDef, type OrgReader } from '../model/index.js'
import { coerceValue, display } from './coerce-value.js'

export type Mode = 'create' | 'update'

/** The lookups the rules need from the store. */
export interface RuleLookups extends OrgReader {
  field(objectName: string, fieldName: string): FieldDef | undefined
  /** The reference field whose relationship name is `name` (e.g. `Account`), if any. */
  relationshipField(objectName: string, name: string): FieldDef | undefined
  findByField(objectName: string, fieldName: string, value: string): string[]
}

/**
 * A relationship given by external id, e.g. `"Account": {"Ext__c": "A-1"}`, resolved to the
 * parent's id. Salesforce answers INVALID_FIELD when no parent matches.
 */
function resolveRelationship(org: RuleLookups, rel: FieldDef, value: unknown): string | null {
  if (value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${rel.relationshipName ?? 'object'} from ${Array.isArray(value) ? 'START_ARRAY' : 'VALUE_STRING'} value ${display(value)}`,
    )
  }
  const body = value as Record<string, unknown>
  const attrs = body.attributes as { type?: unknown } | undefined
  const targetName = typeof attrs?.type === 'string' ? attrs.type : rel.referenceTo[0]
  const keys = Object.keys(body).filter((k) => k !== 'attributes')
  const target = targetName === undefined ? undefined : org.getObject(targetName)
  const key = keys[0]
  if (!target || keys.length !== 1 || key === undefined) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `A relationship to ${rel.relationshipName ?? rel.name} must name exactly one external id field of the parent`,
      [rel.name],
    )
  }
  const extField = org.field(target.name, key)
  if (!extField || !(extField.externalId || extField.name === 'Id')) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Field ${key} is not an external id field of ${target.name}`,
      [rel.name],
    )
  }
  const ext = String(body[key])
  const ids =
    extField.name === 'Id'
      ? org.getRow(target.name, ext)
        ? [ext]
        : []
      : org.findByField(target.name, extField.name, ext)
  if (ids.length === 0) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Foreign key external ID: ${ext} not found for field ${extField.name} in entity ${target.name}`,
      [rel.name],
    )
  }
  if (ids.length > 1) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Foreign key external ID: ${ext} matches more than one ${target.name} for field ${extField.name}`,
      [rel.name],
    )
  }
  return ids[0] ?? null
}

function checkReference(org: RuleLookups, f: FieldDef, id: string): void {
  const target = org.objectForId(id)
  if (!target || !f.referenceTo.some((r) => r.toLowerCase() === target.name.toLowerCase())) {
    throw new ApiError(400, 'MALFORMED_ID', `${f.label}: id value of incorrect type: ${id}`, [
      f.name,
    ])
  }
  const row = org.getRow(target.name, id)
  if (!row)
    throw new ApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name])
  if (row.IsDeleted) throw new ApiError(400, 'ENTITY_IS_DELETED', 'entity is deleted', [f.name])
}

/**
 * The request's fields checked and converted to stored values, keyed by canonical field
 * name. `Id` is refused on create and left out on update (the path names the record).
 */
export function checkFields(
  org: RuleLookups,
  obj: ObjectDef,
  input: Record<string, unknown>,
  mode: Mode,
): Map<string, unknown> {
  const resolved: [FieldDef, unknown, boolean][] = []
  const readOnly: string[] = []
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue
    const f = org.field(obj.name, key)
    if (!f) {
      const rel = org.relationshipField(obj.name, key)
      if (rel) {
        resolved.push([rel, raw, true])
        continue
      }
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${key}' on sobject of type ${obj.name}`,
      )
    }
    if (f.name === 'Id') {
      if (mode === 'create') {
        throw new ApiError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          'Record ID: cannot specify Id in an insert call',
          ['Id'],
        )
      }
      continue
    }
    if (mode === 'create' ? !f.createable : !f.updateable) readOnly.push(f.name)
    resolved.push([f, raw, false])
  }
  if (readOnly.length > 0) {
    throw new ApiError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    )
  }
  const values = new Map<string, unknown>()
  for (const [f, raw, viaRelationship] of resolved) {
    const value = viaRelationship ? resolveRelationship(org, f, raw) : coerceValue(f, raw)
    if (f.type === 'reference' && typeof value === 'string') checkReference(org, f, value)
    values.set(f.name, value)
  }
  return values
}

/** REQUIRED_FIELD_MISSING for the required fields of `row` that are empty. */
export function checkRequired(
  obj: ObjectDef,
  row: Record<string, unknown>,
  only?: Set<string>,
): void {
  const missing = obj.fields.filter(
    (f) =>
      !f.nillable &&
      (f.createable || f.updateable) &&
      f.type !== 'boolean' &&
      (only === undefined || only.has(f.name)) &&
      (row[f.name] === null || row[f.name] === undefined),
  )
  if (missing.length > 0) {
    const names = missing.map((f) => f.name)
    throw new ApiError(
      400,
      'REQUIRED_FIELD_MISSING',
      `Required fields are missing: [${names.join(', ')}]`,
      names,
    )
  }
}
