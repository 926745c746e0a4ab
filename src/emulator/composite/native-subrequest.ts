// Runs the composite subrequests that write (sObject rows, upsert by external id, query and
// sObject Collections) synchronously against the org, so an allOrNone composite request can
// run them all inside one OrgWriter transaction and roll them back together. The shapes
// follow the REST data API (salesforce-api.md §2): 201 + Location on create, 204 on update
// and delete, 201/200 with `created` on upsert from API 46.0.

import { ApiError, type ObjectDef, type OrgWriter, type WriteContext } from '../model/index.js'
import {
  createCollection,
  deleteCollection,
  updateCollection,
  upsertCollection,
} from './collections.js'
import { retrieveCollection, retrieveParams } from './collection-retrieve.js'
import type { Reply } from './reply.js'
import { scalarText } from './scalar-text.js'

export interface NativeEnv {
  org: OrgWriter
  user: WriteContext
  apiVersion: string
  /** A query's first page, the rest behind nextRecordsUrl, as `/query` answers. */
  query(
    soql: string,
    opts: { includeDeleted: boolean; apiVersion: string },
  ): { totalSize: number; done: boolean; nextRecordsUrl?: string; records: object[] }
}

export interface SubrequestInput {
  method: string
  url: string
  body?: unknown
}

const notFound = () => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')

function objectOrNotFound(org: OrgWriter, name: string): ObjectDef {
  const obj = org.getObject(name)
  if (obj === undefined) throw notFound()
  return obj
}

function fieldsOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      'The subrequest body must be a JSON object of fields.',
    )
  }
  const fields = { ...(body as Record<string, unknown>) }
  delete fields.attributes
  return fields
}

function rowJson(env: NativeEnv, obj: ObjectDef, id: string, fieldsParam: string | null): Reply {
  const row = env.org.getRow(obj.name, id)
  if (row === undefined || row.IsDeleted) throw notFound()
  const names =
    fieldsParam === null
      ? obj.fields.map((f) => f.name)
      : fieldsParam.split(',').map((name) => {
          const def = obj.fields.find((f) => f.name.toLowerCase() === name.trim().toLowerCase())
          if (def === undefined) {
            throw new ApiError(
              400,
              'INVALID_FIELD',
              `No such column '${name}' on entity '${obj.name}'.`,
            )
          }
          return def.name
        })
  const record: Record<string, unknown> = {
    attributes: {
      type: obj.name,
      url: `/services/data/v${env.apiVersion}/sobjects/${obj.name}/${row.Id}`,
    },
  }
  for (const name of names) record[name] = row[name] ?? null
  return { status: 200, body: record }
}

function created(env: NativeEnv, obj: ObjectDef, id: string): Reply {
  return {
    status: 201,
    body: { id, success: true, errors: [] },
    headers: { Location: `/services/data/v${env.apiVersion}/sobjects/${obj.name}/${id}` },
  }
}

function sobjects(
  env: NativeEnv,
  method: string,
  parts: string[],
  params: URLSearchParams,
  body: unknown,
): Reply | undefined {
  const [typeName, second, third, ...rest] = parts
  if (typeName === undefined || rest.length > 0) return undefined
  const { org, user } = env
  if (second === undefined) {
    if (method !== 'POST') return undefined
    const obj = objectOrNotFound(org, typeName)
    return created(env, obj, org.create(obj.name, fieldsOf(body), user).id)
  }
  if (third === undefined) {
    if (second === 'describe') return undefined
    const obj = objectOrNotFound(org, typeName)
    if (method === 'GET') return rowJson(env, obj, second, params.get('fields'))
    if (method === 'PATCH') {
      org.update(obj.name, second, fieldsOf(body), user)
      return { status: 204, body: null }
    }
    if (method === 'DELETE') {
      org.delete(obj.name, second, user)
      return { status: 204, body: null }
    }
    return undefined
  }
  // /sobjects/{T}/{ExtField}/{value}
  const obj = objectOrNotFound(org, typeName)
  const field = obj.fields.find((f) => f.name.toLowerCase() === second.toLowerCase())
  if (field === undefined) throw notFound()
  const match = () => {
    const ids = [...org.rows(obj.name)].filter(
      (r) => !r.IsDeleted && scalarText(r[field.name]).toLowerCase() === third.toLowerCase(),
    )
    if (ids.length === 0) throw notFound()
    if (ids.length > 1) {
      throw new ApiError(
        300,
        'MULTIPLE_CHOICES',
        `More than one record found for ${field.name}: ${third}`,
      )
    }
    return ids[0]!.Id
  }
  if (method === 'GET') return rowJson(env, obj, match(), params.get('fields'))
  if (method === 'DELETE') {
    org.delete(obj.name, match(), user)
    return { status: 204, body: null }
  }
  if (method === 'PATCH') {
    const result = org.upsert(obj.name, field.name, third, fieldsOf(body), user)
    if (Number(env.apiVersion) < 46) {
      return result.created === true ? created(env, obj, result.id) : { status: 204, body: null }
    }
    return {
      status: result.created === true ? 201 : 200,
      body: { id: result.id, success: true, errors: [], created: result.created === true },
      ...(result.created === true
        ? {
            headers: {
              Location: `/services/data/v${env.apiVersion}/sobjects/${obj.name}/${result.id}`,
            },
          }
        : {}),
    }
  }
  return undefined
}

function collections(
  env: NativeEnv,
  method: string,
  parts: string[],
  params: URLSearchParams,
  body: unknown,
): Reply | undefined {
  const { org, user, apiVersion } = env
  const [typeName, extField, ...rest] = parts
  if (rest.length > 0) return undefined
  if (typeName === undefined) {
    if (method === 'POST') return createCollection(org, body, user, apiVersion)
    if (method === 'PATCH') return updateCollection(org, body, user, apiVersion)
    if (method === 'DELETE') {
      return deleteCollection(
        org,
        params.get('ids') ?? undefined,
        params.get('allOrNone') ?? undefined,
        user,
        apiVersion,
      )
    }
    return undefined
  }
  if (extField !== undefined) {
    return method === 'PATCH'
      ? upsertCollection(org, typeName, extField, body, user, apiVersion)
      : undefined
  }
  if (method === 'GET' || method === 'POST') {
    const query = { ids: params.get('ids') ?? undefined, fields: params.get('fields') ?? undefined }
    const { ids, fields } = retrieveParams(query, method === 'POST' ? body : undefined)
    return retrieveCollection(org, typeName, ids, fields, apiVersion)
  }
  return undefined
}

/** The kind of a subrequest URL, for the limit of 5 query and collections subrequests. */
export function isQueryOrCollections(url: string): boolean {
  return /^\/services\/data\/v\d+\.\d+\/(query|queryAll|composite\/sobjects)(\/|\?|$)/.test(url)
}

/**
 * Runs a subrequest natively, or answers undefined when the URL is not one of the kinds
 * handled here (the caller may then dispatch it to the data API). Refusals become replies
 * with Salesforce's error body.
 */
export function runNativeSubrequest(env: NativeEnv, sub: SubrequestInput): Reply | undefined {
  const url = new URL(sub.url, 'http://emulator.invalid')
  const match = /^\/services\/data\/v(\d+\.\d+)\/(.*?)\/?$/.exec(url.pathname)
  if (match === null) return undefined
  const parts = match[2]!.split('/').map((p) => decodeURIComponent(p))
  const method = sub.method.toUpperCase()
  // A subrequest runs under the version its own URL names.
  env = { ...env, apiVersion: match[1]! }
  try {
    if (parts[0] === 'sobjects')
      return sobjects(env, method, parts.slice(1), url.searchParams, sub.body)
    if (parts[0] === 'composite' && parts[1] === 'sobjects') {
      return collections(env, method, parts.slice(2), url.searchParams, sub.body)
    }
    if (
      (parts[0] === 'query' || parts[0] === 'queryAll') &&
      parts.length === 1 &&
      method === 'GET'
    ) {
      const q = url.searchParams.get('q')
      if (q === null) throw new ApiError(400, 'MALFORMED_QUERY', 'The q parameter is required.')
      // Paged as `/query` pages: the first 2,000 records, the rest behind nextRecordsUrl.
      const page = env.query(q, {
        includeDeleted: parts[0] === 'queryAll',
        apiVersion: env.apiVersion,
      })
      return { status: 200, body: page }
    }
    return undefined
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, body: err.toBody() }
    throw err
  }
}
