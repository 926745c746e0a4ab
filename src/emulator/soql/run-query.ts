// Runs one SOQL query against an org: parse, resolve the FROM object, filter with the compiled
// WHERE, then sort, page and project rows, or aggregate them. The caller does the paging into
// query locators. streamQuery yields the records one at a time as the store reads them, so
// that a query selecting millions of rows never holds them together; only ORDER BY and
// aggregates (which need every selected row first) gather the rows that match.

import type { Query } from 'soql-parser-js'
import type { OrgReader, RecordRow } from '../model/index.js'
import { isAggregateQuery, runAggregate } from './aggregate.js'
import { RowLookup } from './field-path.js'
import { indexedRows } from './index-plan.js'
import { compileOrder } from './order.js'
import { parseSoql } from './parse-soql.js'
import { compileWhere, type WhereContext } from './predicate.js'
import { compileSelect } from './projection.js'
import { findToken, locate, soqlError, unsupportedType } from './soql-error.js'

export interface QueryOptions {
  /** True for `/queryAll`: rows in the recycle bin (IsDeleted) are included. */
  includeDeleted: boolean
  /** API version of the request, e.g. `60.0`, used in `attributes.url`. */
  apiVersion: string
  /** The moment relative date literals (TODAY, LAST_N_DAYS:n) are evaluated against, in UTC. */
  now: Date
}

export interface QueryResult {
  totalSize: number
  records: object[]
}

export interface QueryStream {
  /** Known before reading (COUNT(), aggregates, ORDER BY); else the number of records yielded. */
  totalSize: number | undefined
  /** Read once, in order. Rows are read from the store as this is iterated. */
  records: Iterable<object>
}

// Salesforce refuses OFFSET above 2,000 (NUMBER_OUTSIDE_VALID_RANGE).
const MAX_OFFSET = 2000

/**
 * Runs `soql` and returns every selected record.
 * @example runQuery(org, 'SELECT Id, Name FROM Account WHERE Name LIKE \'A%\'', { includeDeleted: false, apiVersion: '60.0', now: new Date() })
 */
export function runQuery(org: OrgReader, soql: string, opts: QueryOptions): QueryResult {
  const q = parseSoql(soql)
  return executeQuery(org, q, soql, opts)
}

/** Runs `soql`, yielding its records as they are read. Refusals are thrown before reading. */
export function streamQuery(org: OrgReader, soql: string, opts: QueryOptions): QueryStream {
  return streamParsed(org, parseSoql(soql), soql, opts)
}

/** Runs an already parsed query; `extra` adds a filter (SOSL's term match) to WHERE. */
export function executeQuery(
  org: OrgReader,
  q: Query,
  text: string,
  opts: QueryOptions,
  extra?: (row: RecordRow) => boolean,
): QueryResult {
  const stream = streamParsed(org, q, text, opts, extra)
  const records = [...stream.records]
  return { totalSize: stream.totalSize ?? records.length, records }
}

function streamParsed(
  org: OrgReader,
  q: Query,
  text: string,
  opts: QueryOptions,
  extra?: (row: RecordRow) => boolean,
): QueryStream {
  const objectName = q.sObject ?? ''
  const fromAt = findToken(text, 'FROM')
  const object = org.getObject(objectName)
  if (!object)
    throw unsupportedType(text, locate(text, objectName, Math.max(fromAt, 0)), objectName)
  if (q.offset !== undefined && q.offset > MAX_OFFSET) {
    throw soqlError(
      'NUMBER_OUTSIDE_VALID_RANGE',
      text,
      locate(text, 'OFFSET'),
      `Maximum SOQL offset allowed is ${MAX_OFFSET}`,
    )
  }
  const lookup = new RowLookup(org)
  const ctx: WhereContext = {
    org,
    text,
    from: 0,
    object,
    alias: q.sObjectAlias,
    now: opts.now,
    includeDeleted: opts.includeDeleted,
    lookup,
  }
  const where = compileWhere(q.where, ctx)
  const fields = q.fields ?? []
  const countOnly =
    fields.length > 0 &&
    fields.every(
      (f) =>
        f.type === 'FieldFunctionExpression' &&
        f.functionName.toUpperCase() === 'COUNT' &&
        f.parameters.length === 0,
    )
  if (countOnly && fields.length > 1)
    throw soqlError(
      'MALFORMED_QUERY',
      text,
      locate(text, 'COUNT'),
      'COUNT() may be the only element in a SELECT list',
    )
  // Salesforce bounds FIELDS(ALL) and FIELDS(CUSTOM) to 200 rows (wording uncertain).
  const unbounded = fields.find(
    (f) =>
      f.type === 'FieldFunctionExpression' &&
      f.functionName.toUpperCase() === 'FIELDS' &&
      !(typeof f.parameters[0] === 'string' && f.parameters[0].toUpperCase() === 'STANDARD'),
  )
  if (unbounded && (q.limit === undefined || q.limit > 200)) {
    throw soqlError(
      'MALFORMED_QUERY',
      text,
      locate(text, 'FIELDS'),
      'The SOQL FIELDS function must have a LIMIT of at most 200',
    )
  }
  const aggregate = !countOnly && isAggregateQuery(q)
  const renderer =
    countOnly || aggregate
      ? undefined
      : compileSelect(fields, { ...ctx, apiVersion: opts.apiVersion })
  const order =
    countOnly || aggregate
      ? undefined
      : compileOrder(q.orderBy, org, object, text, 0, lookup, q.sObjectAlias)

  const offset = q.offset ?? 0
  const limit = q.limit ?? Infinity
  const source = indexedRows(org, object, q.where, text) ?? org.rows(object.name)
  const selected = (row: RecordRow) =>
    (!row.IsDeleted || opts.includeDeleted) && where(row) && (!extra || extra(row))
  if (aggregate || order || !renderer) {
    // Without ORDER BY or grouping, rows past OFFSET + LIMIT can never be returned: stop there.
    const enough = aggregate || order ? Infinity : offset + limit
    let rows: RecordRow[] = []
    for (const row of source) {
      if (rows.length >= enough) break
      if (selected(row)) rows.push(row)
    }
    if (aggregate) {
      const records = runAggregate(q, rows, ctx)
      return { totalSize: records.length, records }
    }
    if (order) rows = order(rows)
    rows = rows.slice(offset, offset + limit)
    // COUNT() answers with the count in totalSize and no records (salesforce-api.md §3).
    if (!renderer) return { totalSize: rows.length, records: [] }
    return { totalSize: rows.length, records: rows.map((row) => renderer(row, object.name)) }
  }
  return {
    totalSize: undefined,
    records: plainRows(source, selected, offset, limit, renderer, object.name),
  }
}

/** The selected rows past OFFSET, up to LIMIT, rendered one at a time. */
function* plainRows(
  source: Iterable<RecordRow>,
  selected: (row: RecordRow) => boolean,
  offset: number,
  limit: number,
  render: (row: RecordRow, objectName: string) => object,
  objectName: string,
): Generator<object> {
  let skipped = 0
  let given = 0
  if (limit <= 0) return
  for (const row of source) {
    if (!selected(row)) continue
    if (skipped < offset) {
      skipped++
      continue
    }
    yield render(row, objectName)
    if (++given >= limit) return
  }
}
