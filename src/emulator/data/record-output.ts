// A record as the REST API answers it: `attributes` first, then the fields in describe
// order, nulls included (salesforce-api.md §2.7).

import { ApiError, type ObjectDef, type RecordRow } from '../model/index.js'

export function recordUrl(objectName: string, id: string, version: string): string {
  return `/services/data/v${version}/sobjects/${objectName}/${id}`
}

/** The fields named by `?fields=A,B` in describe spelling; INVALID_FIELD for an unknown one. */
export function selectFields(obj: ObjectDef, param: string | undefined): string[] {
  if (param === undefined || param.trim() === '') return obj.fields.map((f) => f.name)
  const byLower = new Map(obj.fields.map((f) => [f.name.toLowerCase(), f.name]))
  // [B] Id is always returned, even when `fields` leaves it out.
  const out = ['Id']
  for (const raw of param.split(',')) {
    const name = raw.trim()
    if (name === '') continue
    const canonical = byLower.get(name.toLowerCase())
    if (!canonical) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      )
    }
    if (!out.includes(canonical)) out.push(canonical)
  }
  return out
}

export function recordOutput(
  obj: ObjectDef,
  row: RecordRow,
  version: string,
  fields: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: obj.name, url: recordUrl(obj.name, row.Id, version) },
  }
  const binary = new Set(obj.fields.filter((f) => f.type === 'base64').map((f) => f.name))
  for (const name of fields) {
    const value = row[name] ?? null
    // Binary fields answer the URL of their bytes (`.../{id}/VersionData`), not the data.
    out[name] =
      binary.has(name) && value !== null ? `${recordUrl(obj.name, row.Id, version)}/${name}` : value
  }
  return out
}
