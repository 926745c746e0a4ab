// Compiles a WHERE clause once into a predicate on rows, so that filtering a table does no
// parsing or schema lookups per row. Semi-joins (`Id IN (SELECT AccountId FROM Contact)`)
// are run once, into a set of ids.

import type { Query } from 'soql-parser-js'
import type { FieldDef, ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { compileComparison, kindOf, normalize } from './compare-value.js'
import { dateFunction } from './date-function.js'
import { resolvePath, type RowLookup } from './field-path.js'
import { buildBoolTree, type BoolNode, type Cond } from './parse-soql.js'
import { findToken, locate, soqlError, unsupportedType } from './soql-error.js'

export type Test<T> = (item: T) => boolean

/** Compiles a boolean tree, given a compiler for its leaves. */
export function compileBool<T>(node: BoolNode, leaf: (cond: Cond) => Test<T>): Test<T> {
  switch (node.kind) {
    case 'cond':
      return leaf(node.cond)
    case 'not': {
      const inner = compileBool(node.item, leaf)
      return (item) => !inner(item)
    }
    case 'and': {
      const items = node.items.map((n) => compileBool(n, leaf))
      return (item) => items.every((t) => t(item))
    }
    case 'or': {
      const items = node.items.map((n) => compileBool(n, leaf))
      return (item) => items.some((t) => t(item))
    }
  }
}

export interface WhereContext {
  org: OrgReader
  /** The whole query text, for error messages. */
  text: string
  /** Where the clause being compiled starts in `text`. */
  from: number
  object: ObjectDef
  alias?: string | undefined
  now: Date
  includeDeleted: boolean
  lookup: RowLookup
}

/** The predicate for a query's WHERE clause; every row passes when there is none. */
export function compileWhere(where: Query['where'], ctx: WhereContext): Test<RecordRow> {
  if (!where) return () => true
  const at = findToken(ctx.text, 'WHERE', ctx.from)
  const from = at >= 0 ? at + 'WHERE'.length : ctx.from
  const tree = buildBoolTree(where, ctx.text, from)
  return compileBool(tree, (cond) => compileLeaf(cond, { ...ctx, from }))
}

/** A date function call such as `CALENDAR_YEAR(CloseDate)`, read from rows. */
export function functionOperand(
  fn: { functionName?: string; parameters?: unknown[]; rawValue?: string },
  ctx: WhereContext,
  from: number,
): { get: (row: RecordRow) => unknown; field: FieldDef; raw: string } {
  const raw = fn.rawValue ?? fn.functionName ?? ''
  const name = fn.functionName ?? ''
  const at = locate(ctx.text, name, from)
  const arg = fn.parameters?.[0]
  if (typeof arg !== 'string') {
    throw soqlError('MALFORMED_QUERY', ctx.text, at, `The emulator does not support ${raw} here`)
  }
  const path = resolvePath(
    ctx.org,
    ctx.object,
    arg,
    { query: ctx.text, offset: locate(ctx.text, arg, at) },
    ctx.alias,
  )
  const df = dateFunction(name, path.field)
  if (!df)
    throw soqlError('MALFORMED_QUERY', ctx.text, at, `The emulator does not support ${raw} here`)
  if (path.field.type !== 'date' && path.field.type !== 'datetime') {
    throw soqlError(
      'INVALID_FIELD',
      ctx.text,
      at,
      `Invalid field ${arg} for function ${name.toUpperCase()}: it is not a date or datetime field`,
    )
  }
  return { get: (row) => df.apply(ctx.lookup.value(path, row)), field: df.field, raw }
}

/** The predicate of one condition of a WHERE clause (`ctx.from` points past `WHERE`). */
export function compileLeaf(cond: Cond, ctx: WhereContext): Test<RecordRow> {
  if (!('field' in cond)) {
    if (!('fn' in cond) || !('value' in cond)) {
      throw soqlError('MALFORMED_QUERY', ctx.text, ctx.from, 'unexpected condition')
    }
    const op = functionOperand(cond.fn, ctx, ctx.from)
    const offset = locate(ctx.text, cond.fn.functionName ?? '', ctx.from)
    const test = compileComparison(
      { field: op.field, name: op.raw, query: ctx.text, offset, now: ctx.now },
      cond,
    )
    return (row) => test(op.get(row))
  }
  const offset = locate(ctx.text, cond.field, ctx.from)
  const path = resolvePath(ctx.org, ctx.object, cond.field, { query: ctx.text, offset }, ctx.alias)
  const lookup = ctx.lookup
  const read = (row: RecordRow) => lookup.value(path, row)
  if ('valueQuery' in cond) {
    const ids = semiJoin(cond.valueQuery, ctx, offset)
    const kind = kindOf(path.field)
    if (kind !== 'id') {
      throw soqlError(
        'INVALID_QUERY_FILTER_OPERATOR',
        ctx.text,
        offset,
        `Invalid semi join: field '${cond.field}' must be an Id or a reference field`,
      )
    }
    const negate = cond.operator.toUpperCase() === 'NOT IN'
    return (row) => {
      const v = normalize(kind, read(row))
      const hit = v !== null && ids.has(String(v))
      return negate ? !hit : hit
    }
  }
  const test = compileComparison(
    { field: path.field, name: cond.field, query: ctx.text, offset, now: ctx.now },
    cond,
  )
  return (row) => test(read(row))
}

/** Runs the inner query of a semi-join once; values are normalised as ids or lower-case text. */
function semiJoin(inner: Query, ctx: WhereContext, offset: number): Set<string> {
  const objectName = inner.sObject ?? ''
  const object = ctx.org.getObject(objectName)
  if (!object) throw unsupportedType(ctx.text, locate(ctx.text, objectName, offset), objectName)
  const field = inner.fields?.[0]
  if (
    inner.fields?.length !== 1 ||
    !field ||
    (field.type !== 'Field' && field.type !== 'FieldRelationship')
  ) {
    throw soqlError(
      'MALFORMED_QUERY',
      ctx.text,
      offset,
      'The inner select field of a semi-join must be a single id or reference field',
    )
  }
  const name = field.type === 'Field' ? field.field : (field.rawValue ?? field.field)
  const innerCtx: WhereContext = { ...ctx, object, alias: inner.sObjectAlias, from: offset }
  const site = { query: ctx.text, offset: locate(ctx.text, name, offset) }
  const path = resolvePath(ctx.org, object, name, site, inner.sObjectAlias)
  const kind = kindOf(path.field)
  if (kind !== 'id') {
    // Salesforce requires the inner select of a semi-join to be an id or a lookup (wording uncertain).
    throw soqlError(
      'INVALID_FIELD',
      ctx.text,
      site.offset,
      `Invalid semi join: field '${name}' must be an Id or a reference field`,
    )
  }
  const where = compileWhere(inner.where, innerCtx)
  const ids = new Set<string>()
  for (const row of ctx.org.rows(object.name)) {
    if (row.IsDeleted && !ctx.includeDeleted) continue
    if (!where(row)) continue
    const v = normalize(kind, ctx.lookup.value(path, row))
    if (v !== null) ids.add(String(v))
  }
  return ids
}
