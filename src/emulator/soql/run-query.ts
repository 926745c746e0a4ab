// Runs one SOQL query against an org: parse, resolve the FROM object, filter with the compiled
// WHERE, then sort, page and project rows, or aggregate them. The caller does the paging into
// query locators. streamQuery yields the records one at a time as the store reads them, so
// that a query selecting millions of rows never holds them together: a large ORDER BY is
// sorted in the sort store (the result store, on disk), an aggregate keeps one accumulator
// per group, and COUNT() only counts.

import type { Query } from 'soql-parser-js'
import type { OrgReader, RecordRow } from '../model/index.js'
import { isAggregateQuery, runAggregate } from './aggregate.js'
import { RowLookup } from './field-path.js'
import { indexedRows } from './index-plan.js'
import { compileOrder, sortKeyOf, type SortKey } from './order.js'
import { parseSoql } from './parse-soql.js'
import { compileWhere, type WhereContext } from './predicate.js'
import { compileSelect } from './projection.js'
import { findToken, locate, soqlError, unsupportedType } from './soql-error.js'
import type { SortStore } from './sort-store.js'

export interface QueryOptions {
  /** True for `/queryAll`: rows in the recycle bin (IsDeleted) are included. */
  includeDeleted: boolean
  /** API version of the request, e.g. `60.0`, used in `attributes.url`. */
  apiVersion: string
  /** The moment relative date literals (TODAY, LAST_N_DAYS:n) are evaluated against, in UTC. */
  now: Date
  /** Where a large ORDER BY is sorted (the result store); without one, in the heap. */
  sortStore?: SortStore | undefined
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
  /**
   * Set when the records already are a result set of the sort store (a large ORDER BY), as
   * JSON items numbered from 0: the caller takes the set over (reads its pages, drops it)
   * instead of iterating `records`, and so saves writing every record again.
   */
  adopt?: () => { set: number; size: number }
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
  const rows = function* () {
    for (const row of source) if (selected(row)) yield row
  }
  if (aggregate) {
    // Each group keeps its accumulators, not its rows.
    const records = runAggregate(q, rows(), ctx)
    return { totalSize: records.length, records }
  }
  // COUNT() answers with the count in totalSize and no records (salesforce-api.md §3); rows
  // past OFFSET + LIMIT can never count.
  if (!renderer) {
    let n = 0
    const it = rows()
    while (n < offset + limit && !it.next().done) n++
    return { totalSize: Math.max(0, Math.min(n - offset, limit)), records: [] }
  }
  if (order) {
    const render = (row: RecordRow) => renderer(row, object.name)
    if (offset + limit <= IN_HEAP_SORT_ROWS || !opts.sortStore)
      return topRows(rows(), order.keys, offset, limit, render)
    return storeSorted(opts.sortStore, rows(), order.keys, offset, limit, render)
  }
  return {
    totalSize: undefined,
    records: plainRows(source, selected, offset, limit, renderer, object.name),
  }
}

/**
 * ORDER BY with OFFSET + LIMIT of at most this many rows is sorted in the heap, keeping the
 * best rows seen so far (at most twice this many); a larger one goes to the sort store.
 */
const IN_HEAP_SORT_ROWS = 5000

/** The first `offset + limit` rows in ORDER BY order, from a selection read once. */
function topRows(
  rows: Iterable<RecordRow>,
  keys: SortKey<RecordRow>[],
  offset: number,
  limit: number,
  render: (row: RecordRow) => object,
): QueryStream {
  const wanted = offset + limit
  let best: { key: Buffer; row: RecordRow }[] = []
  const trim = () => {
    // Stable: rows with equal keys keep the order they were read in.
    best.sort((a, b) => Buffer.compare(a.key, b.key))
    if (best.length > wanted) best.length = wanted
  }
  for (const row of rows) {
    best.push({ key: sortKeyOf(row, keys), row })
    if (best.length >= 2 * wanted && best.length >= 1000) trim()
  }
  trim()
  best = best.slice(offset)
  return { totalSize: best.length, records: best.map((b) => render(b.row)) }
}

/**
 * ORDER BY sorted in the sort store: each selected row is rendered and written with its key
 * as it is read, and the sorted records are read back a page at a time, so the heap never
 * holds the selection. The set is dropped once read to the end, unless a caller adopts it.
 */
function storeSorted(
  store: SortStore,
  rows: Iterable<RecordRow>,
  keys: SortKey<RecordRow>[],
  offset: number,
  limit: number,
  render: (row: RecordRow) => object,
): QueryStream {
  const entries = function* () {
    for (const row of rows) yield [sortKeyOf(row, keys), JSON.stringify(render(row))] as const
  }
  const { set, size } = store.sorted(entries(), offset, limit)
  const records = function* () {
    try {
      for (let at = 0; at < size; at += READ_STEP)
        for (const item of store.page(set, at, READ_STEP)) yield JSON.parse(item) as object
    } finally {
      store.drop(set)
    }
  }
  return { totalSize: size, records: records(), adopt: () => ({ set, size }) }
}

/** Sorted records read back from the sort store per step. */
const READ_STEP = 2000

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
