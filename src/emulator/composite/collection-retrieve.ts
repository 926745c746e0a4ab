// sObject Collections retrieve: `GET /composite/sobjects/{Type}?ids=&fields=` and the POST
// form with `{ids, fields}` for long id lists (salesforce-api.md §4.4).

import { ApiError, type OrgWriter } from '../model/index.js'
import { malformed, requireVersion } from './collections.js'
import type { Reply } from './reply.js'

/** Retrieve by POST takes up to 2,000 ids (salesforce-api.md §4.4, [B]). */
export const MAX_RETRIEVE_IDS = 2000

/**
 * `GET /composite/sobjects/{Type}?ids=&fields=` and `POST` with `{ids, fields}`: the records
 * with `attributes` and the asked fields, in id order; `null` where an id matches no live
 * record of the type.
 */
export function retrieveCollection(
  org: OrgWriter,
  typeName: string,
  ids: string[],
  fields: string[],
  apiVersion: string,
): Reply {
  requireVersion(apiVersion, 42)
  const obj = org.getObject(typeName)
  if (obj === undefined) {
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
  }
  if (ids.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'ids is required')
  if (fields.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'fields is required')
  if (ids.length > MAX_RETRIEVE_IDS) {
    throw new ApiError(400, 'EXCEEDED_ID_LIMIT', 'Cannot retrieve more than 2000 records')
  }
  const columns = fields.map((name) => {
    const def = obj.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
    if (def === undefined) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      )
    }
    return def.name
  })
  const records = ids.map((id) => {
    const row = org.getRow(obj.name, id)
    if (row === undefined || row.IsDeleted) return null
    const record: Record<string, unknown> = {
      attributes: {
        type: obj.name,
        url: `/services/data/v${apiVersion}/sobjects/${obj.name}/${row.Id}`,
      },
    }
    for (const column of columns) record[column] = row[column] ?? null
    return record
  })
  return { status: 200, body: records }
}

/** Reads `ids` and `fields` from a retrieve request: query string (GET) or body (POST). */
export function retrieveParams(
  query: { ids?: string; fields?: string } | undefined,
  body: unknown,
): { ids: string[]; fields: string[] } {
  const split = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '')
  if (body === undefined || body === null) {
    return { ids: split(query?.ids), fields: split(query?.fields) }
  }
  const { ids, fields } = body as { ids?: unknown; fields?: unknown }
  const strings = (v: unknown, name: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw malformed(`"${name}" must be an array of strings.`)
    }
    return v as string[]
  }
  return { ids: strings(ids, 'ids'), fields: strings(fields, 'fields') }
}
