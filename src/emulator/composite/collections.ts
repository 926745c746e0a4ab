// sObject Collections (`/composite/sobjects`): create, update, upsert, delete and retrieve up
// to 200 records in one call, answering HTTP 200 with one result per record in request order
// even when records fail (salesforce-api.md §4.4).

import { ApiError, type ObjectDef, type OrgWriter, type WriteContext } from '../model/index.js'
import type { Reply } from './reply.js'
import { scalarText } from './scalar-text.js'
import { runWrites, saveResultJson, type PlannedWrite } from './save-runner.js'

/** Salesforce refuses a collection of more than 200 records (EXCEEDED_ID_LIMIT). */
export const MAX_COLLECTION_RECORDS = 200

interface CollectionRecord {
  type: string | undefined
  fields: Record<string, unknown>
}

export function malformed(message: string): ApiError {
  return new ApiError(400, 'JSON_PARSER_ERROR', message)
}

function tooMany(): ApiError {
  return new ApiError(
    400,
    'EXCEEDED_ID_LIMIT',
    'record limit reached. cannot submit more than 200 records into this call',
  )
}

/** Parse `{allOrNone, records}`; a body that is not this shape is a 400 for the whole call. */
function parseBody(body: unknown): { allOrNone: boolean; records: CollectionRecord[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw malformed('The request body must be a JSON object with a "records" array.')
  }
  const { allOrNone, records } = body as { allOrNone?: unknown; records?: unknown }
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean') {
    throw malformed('"allOrNone" must be true or false.')
  }
  if (!Array.isArray(records)) throw malformed('The request body needs a "records" array.')
  if (records.length > MAX_COLLECTION_RECORDS) throw tooMany()
  return { allOrNone: allOrNone === true, records: records.map(parseRecord) }
}

function parseRecord(raw: unknown): CollectionRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw malformed('Each element of "records" must be a JSON object with an "attributes" map.')
  }
  const { attributes, ...fields } = raw as Record<string, unknown>
  const type =
    typeof attributes === 'object' && attributes !== null
      ? (attributes as { type?: unknown }).type
      : undefined
  return { type: typeof type === 'string' && type !== '' ? type : undefined, fields }
}

/**
 * The object a record names in `attributes.type`. Salesforce requires the map on every
 * record of a collection; the exact error for a missing one is uncertain ([B]), so the
 * emulator reports it on that record with INVALID_TYPE.
 */
function objectOf(org: OrgWriter, rec: CollectionRecord): ObjectDef {
  if (rec.type === undefined) {
    throw new ApiError(
      400,
      'INVALID_TYPE',
      'Each record in a collection needs an attributes map with a type, e.g. {"attributes":{"type":"Account"}}.',
    )
  }
  const obj = org.getObject(rec.type)
  if (obj === undefined) {
    throw new ApiError(400, 'INVALID_TYPE', `sObject type '${rec.type}' is not supported.`)
  }
  return obj
}

/** Takes `Id` (any case) out of the fields. */
function takeId(fields: Record<string, unknown>): { id: unknown; rest: Record<string, unknown> } {
  let id: unknown
  const rest: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key.toLowerCase() === 'id') id = value
    else rest[key] = value
  }
  return { id, rest }
}

export function requireVersion(apiVersion: string, min: number): void {
  // Collections exist from API 42.0 and upsert from 46.0; older versions have no such resource.
  if (Number(apiVersion) < min) {
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
  }
}

/** `POST /composite/sobjects`: insert each record; mixed types allowed. */
export function createCollection(
  org: OrgWriter,
  body: unknown,
  user: WriteContext,
  apiVersion: string,
): Reply {
  requireVersion(apiVersion, 42)
  const { allOrNone, records } = parseBody(body)
  const writes: PlannedWrite[] = records.map((rec) => ({
    write: () => {
      const obj = objectOf(org, rec)
      const { id, rest } = takeId(rec.fields)
      if (id !== undefined && id !== null) {
        throw new ApiError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          'cannot specify Id in an insert call',
          ['Id'],
        )
      }
      return org.create(obj.name, rest, user)
    },
  }))
  const outcomes = runWrites(org, writes, allOrNone)
  return { status: 200, body: outcomes.map((o) => saveResultJson(o, false)) }
}

/** `PATCH /composite/sobjects`: update each record by its `Id`. */
export function updateCollection(
  org: OrgWriter,
  body: unknown,
  user: WriteContext,
  apiVersion: string,
): Reply {
  requireVersion(apiVersion, 42)
  const { allOrNone, records } = parseBody(body)
  const writes: PlannedWrite[] = records.map((rec) => {
    const { id, rest } = takeId(rec.fields)
    const recordId = typeof id === 'string' && id !== '' ? id : undefined
    const write = () => {
      const obj = objectOf(org, rec)
      if (recordId === undefined) {
        throw new ApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id'])
      }
      return org.update(obj.name, recordId, rest, user)
    }
    return recordId === undefined ? { write } : { id: recordId, write }
  })
  const outcomes = runWrites(org, writes, allOrNone)
  return { status: 200, body: outcomes.map((o) => saveResultJson(o, false)) }
}

/**
 * `PATCH /composite/sobjects/{Type}/{ExtField}`: upsert each record by the external id
 * field; every record must be of `Type`. Results carry `created`.
 */
export function upsertCollection(
  org: OrgWriter,
  typeName: string,
  extField: string,
  body: unknown,
  user: WriteContext,
  apiVersion: string,
): Reply {
  requireVersion(apiVersion, 46)
  const obj = org.getObject(typeName)
  if (obj === undefined) {
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
  }
  const field = obj.fields.find((f) => f.name.toLowerCase() === extField.toLowerCase())
  if (field === undefined || !(field.externalId || field.name === 'Id')) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${extField}`,
    )
  }
  const { allOrNone, records } = parseBody(body)
  const writes: PlannedWrite[] = records.map((rec) => ({
    write: () => {
      const recObj = objectOf(org, rec)
      if (recObj.name !== obj.name) {
        throw new ApiError(
          400,
          'INVALID_TYPE',
          `Record type ${recObj.name} does not match the upsert type ${obj.name}.`,
        )
      }
      let value: unknown
      const rest: Record<string, unknown> = {}
      for (const [key, v] of Object.entries(rec.fields)) {
        if (key.toLowerCase() === field.name.toLowerCase()) value = v
        else rest[key] = v
      }
      if (value === undefined || value === null || value === '') {
        throw new ApiError(
          400,
          'MISSING_ARGUMENT',
          `${field.name} not specified in an upsert call`,
          [field.name],
        )
      }
      return org.upsert(obj.name, field.name, scalarText(value), rest, user)
    },
  }))
  const outcomes = runWrites(org, writes, allOrNone)
  return { status: 200, body: outcomes.map((o) => saveResultJson(o, true)) }
}

/** `DELETE /composite/sobjects?ids=…&allOrNone=…`: move each record to the recycle bin. */
export function deleteCollection(
  org: OrgWriter,
  idsParam: string | undefined,
  allOrNoneParam: string | undefined,
  user: WriteContext,
  apiVersion: string,
): Reply {
  requireVersion(apiVersion, 42)
  const ids = (idsParam ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (ids.length === 0) {
    throw new ApiError(
      400,
      'MISSING_ARGUMENT',
      'The ids parameter is required, e.g. ?ids=001...,003...',
    )
  }
  if (ids.length > MAX_COLLECTION_RECORDS) throw tooMany()
  const writes: PlannedWrite[] = ids.map((id) => ({
    id,
    write: () => {
      const obj = org.objectForId(id)
      if (obj === undefined) {
        throw new ApiError(400, 'MALFORMED_ID', `malformed id ${id}`)
      }
      return org.delete(obj.name, id, user)
    },
  }))
  const outcomes = runWrites(org, writes, allOrNoneParam?.toLowerCase() === 'true')
  return { status: 200, body: outcomes.map((o) => saveResultJson(o, false)) }
}
