// Runs SOSL (`/search?q=FIND ...`) and parameterized search (`/parameterizedSearch`): each
// RETURNING object becomes a SOQL query whose rows must also match the search term in the
// fields of the chosen scope. Results come in RETURNING order, as `{ searchRecords }`.

import type { FieldDef, ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { ApiError } from '../model/index.js'
import { parseSoql } from './parse-soql.js'
import { executeQuery } from './run-query.js'
import { compileSearch, type Haystack } from './search-term.js'
import { parseSosl, type SearchScope, type SearchSpec, type SearchTarget } from './sosl-parser.js'

export interface SearchOptions {
  /** API version of the request, e.g. `60.0`, used in `attributes.url`. */
  apiVersion: string
}

export interface SearchResult {
  searchRecords: object[]
}

// Salesforce returns at most 2,000 search results.
const MAX_RESULTS = 2000
const TEXT_TYPES = new Set<FieldDef['type']>(['string', 'textarea', 'email', 'phone', 'url'])
// Contacts, leads and users keep their name in parts; NAME FIELDS covers each part.
const NAME_PARTS = new Set(['firstname', 'lastname', 'middlename'])

function scopeFields(object: ObjectDef, scope: SearchScope): FieldDef[] {
  return object.fields.filter((f) => {
    if (scope === 'NAME') return f.nameField || NAME_PARTS.has(f.name.toLowerCase())
    if (scope === 'EMAIL') return f.type === 'email'
    if (scope === 'PHONE') return f.type === 'phone'
    return TEXT_TYPES.has(f.type)
  })
}

function haystack(row: RecordRow, fields: FieldDef[]): Haystack {
  const text: string[] = []
  const digits: string[] = []
  for (const f of fields) {
    const v = row[f.name]
    if (typeof v !== 'string' || v === '') continue
    text.push(v)
    if (f.type === 'phone') digits.push(v.replace(/\D/g, ''))
  }
  return { text: text.join('\n'), phoneDigits: digits.join(' ') }
}

function executeSearch(org: OrgReader, spec: SearchSpec, opts: SearchOptions): SearchResult {
  const matches = compileSearch(spec.term)
  const targets: SearchTarget[] =
    spec.targets ??
    org
      .objects()
      .filter((o) => scopeFields(o, spec.scope).length > 0)
      .map((o) => ({ object: o.name, fields: [], clauses: '' }))
  const limit = Math.min(spec.limit ?? MAX_RESULTS, MAX_RESULTS)
  const out: object[] = []
  for (const target of targets) {
    const object = org.getObject(target.object)
    if (!object) {
      throw new ApiError(
        400,
        'INVALID_TYPE',
        `sObject type '${target.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      )
    }
    const fields = scopeFields(object, spec.scope)
    const soql = `SELECT ${target.fields.length > 0 ? target.fields.join(', ') : 'Id'} FROM ${object.name}${target.clauses ? ` ${target.clauses}` : ''}`
    const query = parseSoql(soql)
    const result = executeQuery(
      org,
      query,
      soql,
      { includeDeleted: false, apiVersion: opts.apiVersion, now: new Date() },
      (row) => matches(haystack(row, fields)),
    )
    for (const record of result.records) {
      if (out.length >= limit) return { searchRecords: out }
      out.push(record)
    }
  }
  return { searchRecords: out }
}

/**
 * Runs a SOSL search.
 * @example runSearch(org, 'FIND {Acme*} IN NAME FIELDS RETURNING Account(Id, Name LIMIT 5), Contact', { apiVersion: '60.0' })
 */
export function runSearch(org: OrgReader, sosl: string, opts: SearchOptions): SearchResult {
  return executeSearch(org, parseSosl(sosl), opts)
}

const PARAM_SCOPES: Record<string, SearchScope> = {
  ALL: 'ALL',
  NAME: 'NAME',
  EMAIL: 'EMAIL',
  PHONE: 'PHONE',
  SIDEBAR: 'SIDEBAR',
}

/**
 * Runs `/parameterizedSearch` from its query parameters: `q`, `in`, `sobject` (repeatable),
 * `fields` (default field list), `<Obj>.fields`, `<Obj>.limit`, `<Obj>.where`, `defaultLimit`
 * and `overallLimit`. Parameter names match case-insensitively.
 */
export function runParameterizedSearch(
  org: OrgReader,
  params: Record<string, string | string[]>,
  opts: SearchOptions,
): SearchResult {
  const lower = new Map(Object.entries(params).map(([k, v]) => [k.toLowerCase(), v]))
  const one = (key: string): string | undefined => {
    const v = lower.get(key.toLowerCase())
    return Array.isArray(v) ? v[0] : v
  }
  const list = (key: string): string[] => {
    const v = lower.get(key.toLowerCase())
    const values = v === undefined ? [] : Array.isArray(v) ? v : [v]
    return values
      .flatMap((x) => x.split(','))
      .map((x) => x.trim())
      .filter((x) => x !== '')
  }
  const q = one('q')
  if (q === undefined || q.trim() === '') {
    throw new ApiError(
      400,
      'MALFORMED_SEARCH',
      "A search string must be given in the 'q' parameter, e.g. ?q=Acme",
    )
  }
  const scopeName = (one('in') ?? 'ALL').toUpperCase()
  const scope = PARAM_SCOPES[scopeName]
  if (!scope)
    throw new ApiError(
      400,
      'INVALID_SEARCH_SCOPE',
      `Unknown search scope '${scopeName}'; use ALL, NAME, EMAIL, PHONE or SIDEBAR`,
    )
  const number = (key: string): number | undefined => {
    const raw = one(key)
    if (raw === undefined) return undefined
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 0)
      throw new ApiError(
        400,
        'INVALID_SEARCH',
        `Parameter '${key}' must be a whole number, got '${raw}'`,
      )
    return n
  }
  const defaultFields = list('fields')
  const defaultLimit = number('defaultLimit')
  const objects = list('sobject')
  const targets =
    objects.length === 0
      ? undefined
      : objects.map((name): SearchTarget => {
          const fields = list(`${name}.fields`)
          const where = one(`${name}.where`)
          const limit = number(`${name}.limit`) ?? defaultLimit
          const clauses = [
            where ? `WHERE ${where}` : '',
            limit !== undefined ? `LIMIT ${limit}` : '',
          ]
            .filter((c) => c !== '')
            .join(' ')
          return { object: name, fields: fields.length > 0 ? fields : defaultFields, clauses }
        })
  return executeSearch(org, { term: q, scope, targets, limit: number('overallLimit') }, opts)
}
