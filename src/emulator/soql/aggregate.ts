// Aggregate queries: COUNT(field), COUNT_DISTINCT, SUM, AVG, MIN, MAX with GROUP BY, HAVING,
// ORDER BY and LIMIT/OFFSET over groups. Rows are `AggregateResult`s, unaliased aggregates
// are named expr0, expr1, ... and grouped fields keep their own name (salesforce-api.md §3).

import type { FieldType, Query } from 'soql-parser-js'
import type { FieldDef, RecordRow } from '../model/index.js'
import { compileComparison, kindOf, normalize } from './compare-value.js'
import { resolvePath, type FieldPath } from './field-path.js'
import { asList, direction, sortByKeys, sortValue, type SortKey } from './order.js'
import { buildBoolTree } from './parse-soql.js'
import { compileBool, functionOperand, type WhereContext } from './predicate.js'
import { findToken, locate, soqlError } from './soql-error.js'

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'])

interface Group {
  rows: RecordRow[]
  /** Group-by values, by lower-case path text. */
  keys: Map<string, unknown>
}

type Calc = (group: Group) => unknown

interface GroupKey {
  get: (row: RecordRow) => unknown
  field: FieldDef
}

/** Date function calls match GROUP BY whatever their spacing and case. */
const fnKey = (raw: string) => raw.replace(/\s+/g, '').toLowerCase()

export function isAggregateQuery(q: Query): boolean {
  return (
    asList(q.groupBy).length > 0 ||
    (q.fields ?? []).some((f) => f.type === 'FieldFunctionExpression' && f.isAggregateFn === true)
  )
}

function syntheticField(base: FieldDef | undefined, type: FieldDef['type']): FieldDef {
  return { ...(base ?? ({} as FieldDef)), type, name: base?.name ?? 'expr' }
}

/** Runs an aggregate query over rows that already passed WHERE. */
export function runAggregate(
  q: Query,
  rows: RecordRow[],
  ctx: WhereContext,
): Record<string, unknown>[] {
  const { text, org, object, lookup } = ctx
  const pathOf = (dotted: string, from: number): FieldPath => {
    const offset = locate(text, dotted, from)
    return resolvePath(org, object, dotted, { query: text, offset }, ctx.alias)
  }
  const groupAt = findToken(text, 'GROUP', ctx.from)
  const groupKeys = new Map<string, GroupKey>()
  for (const g of asList(q.groupBy)) {
    if ('field' in g) {
      const path = pathOf(g.field, groupAt)
      groupKeys.set(g.field.toLowerCase(), {
        get: (row) => lookup.value(path, row),
        field: path.field,
      })
    } else {
      const op = functionOperand(g.fn, ctx, groupAt)
      groupKeys.set(fnKey(op.raw), op)
    }
  }
  // An aggregate call, compiled to a function of a group, with the field type of its result.
  const aggregate = (
    fn: string,
    params: unknown[],
    rawValue: string,
    from: number,
  ): { calc: Calc; field: FieldDef } => {
    const name = fn.toUpperCase()
    const arg = typeof params[0] === 'string' ? params[0] : undefined
    if (name === 'COUNT' && arg === undefined)
      return { calc: (g) => g.rows.length, field: syntheticField(undefined, 'int') }
    if (arg === undefined)
      throw soqlError(
        'MALFORMED_QUERY',
        text,
        locate(text, fn, from),
        `unexpected token: '${rawValue}'`,
      )
    const path = pathOf(arg, from)
    const kind = kindOf(path.field)
    const values = (g: Group) =>
      g.rows
        .map((r) => lookup.value(path, r))
        .filter((v) => v !== null && v !== undefined && v !== '')
    if ((name === 'SUM' || name === 'AVG') && kind !== 'number') {
      throw soqlError(
        'MALFORMED_QUERY',
        text,
        locate(text, arg, from),
        `field ${path.field.name} does not support aggregate operator ${name}`,
      )
    }
    switch (name) {
      case 'COUNT':
        return { calc: (g) => values(g).length, field: syntheticField(undefined, 'int') }
      case 'COUNT_DISTINCT':
        return {
          calc: (g) => new Set(values(g).map((v) => normalize(kind, v))).size,
          field: syntheticField(undefined, 'int'),
        }
      case 'SUM':
      case 'AVG':
        return {
          calc: (g) => {
            const nums = values(g).map(Number)
            if (nums.length === 0) return null
            const sum = nums.reduce((a, b) => a + b, 0)
            return name === 'SUM' ? sum : sum / nums.length
          },
          field: syntheticField(path.field, 'double'),
        }
      default:
        return {
          calc: (g) => {
            let best: unknown = null
            for (const v of values(g)) {
              const x = sortValue(path.field, v)
              const b = best === null ? null : sortValue(path.field, best)
              if (x === null) continue
              if (b === null || (name === 'MIN' ? x < b : x > b)) best = v
            }
            return best
          },
          field: path.field,
        }
    }
  }
  // A grouped field or date function, read from a group's key values.
  const grouped = (name: string, from: number, isFn = false): { calc: Calc; field: FieldDef } => {
    const key = isFn ? fnKey(name) : name.toLowerCase()
    const found = groupKeys.get(key)
    if (!found) {
      const shown = isFn ? name : (name.split('.').pop() ?? name)
      throw soqlError(
        'MALFORMED_QUERY',
        text,
        locate(text, name.split('(')[0] ?? name, from),
        `Field must be grouped or aggregated: ${shown}`,
      )
    }
    return { calc: (g) => g.keys.get(key) ?? null, field: found.field }
  }

  // The SELECT list.
  const columns: { key: string; calc: Calc }[] = []
  let expr = 0
  for (const item of q.fields ?? []) columns.push(selectColumn(item))
  function selectColumn(item: FieldType): { key: string; calc: Calc } {
    if (item.type === 'Field' || item.type === 'FieldRelationship') {
      const dotted = item.type === 'Field' ? item.field : (item.rawValue ?? item.field)
      const { calc, field } = grouped(dotted, ctx.from)
      return { key: 'alias' in item && item.alias ? item.alias : field.name, calc }
    }
    if (
      item.type === 'FieldFunctionExpression' &&
      AGGREGATES.has(item.functionName.toUpperCase())
    ) {
      const { calc } = aggregate(
        item.functionName,
        item.parameters,
        item.rawValue ?? item.functionName,
        ctx.from,
      )
      return { key: item.alias ?? `expr${expr++}`, calc }
    }
    if (item.type === 'FieldFunctionExpression') {
      const { calc } = grouped(item.rawValue ?? item.functionName, ctx.from, true)
      return { key: item.alias ?? `expr${expr++}`, calc }
    }
    throw soqlError(
      'MALFORMED_QUERY',
      text,
      ctx.from,
      'The emulator supports only fields and functions in an aggregate query',
    )
  }

  // Groups, in order of first appearance.
  const groups = new Map<string, Group>()
  const entries = [...groupKeys]
  const kinds = entries.map(([, k]) => kindOf(k.field))
  for (const row of entries.length > 0 ? rows : []) {
    const values = entries.map(([, k]) => k.get(row) ?? null)
    // Grouping follows comparison: text groups ignore case, as in Salesforce.
    const id = JSON.stringify(values.map((v, i) => normalize(kinds[i] ?? 'text', v)))
    const group = groups.get(id)
    if (group) group.rows.push(row)
    else groups.set(id, { rows: [row], keys: new Map(entries.map(([k], i) => [k, values[i]])) })
  }
  // Without GROUP BY there is always exactly one row, even over no records.
  let list = entries.length === 0 ? [{ rows, keys: new Map() }] : [...groups.values()]

  const operand = (
    fn: { functionName?: string; parameters?: unknown[]; rawValue?: string } | undefined,
    field: string | undefined,
    from: number,
  ) =>
    fn && AGGREGATES.has((fn.functionName ?? '').toUpperCase())
      ? aggregate(fn.functionName ?? '', fn.parameters ?? [], fn.rawValue ?? '', from)
      : fn
        ? grouped(fn.rawValue ?? '', from, true)
        : grouped(field ?? '', from)

  if (q.having) {
    const at = findToken(text, 'HAVING', ctx.from)
    const from = at >= 0 ? at : ctx.from
    const tree = buildBoolTree(q.having, text, from)
    const test = compileBool<Group>(tree, (cond) => {
      if ('valueQuery' in cond || !('value' in cond))
        throw soqlError('MALFORMED_QUERY', text, from, 'Semi-joins are not allowed in HAVING')
      const fn = 'fn' in cond ? cond.fn : undefined
      const name = fn ? (fn.rawValue ?? '') : 'field' in cond ? cond.field : ''
      const { calc, field } = operand(fn, 'field' in cond ? cond.field : undefined, from)
      const cmp = compileComparison(
        {
          field,
          name,
          query: text,
          offset: locate(text, name.split('(')[0] ?? '', from),
          now: ctx.now,
        },
        cond,
      )
      return (g) => cmp(calc(g))
    })
    list = list.filter(test)
  }
  const orderBy = asList(q.orderBy)
  if (orderBy.length > 0) {
    const at = findToken(text, 'ORDER', ctx.from)
    const from = at >= 0 ? at : ctx.from
    const keys = orderBy.map((clause): SortKey<Group> => {
      const { calc, field } = operand(
        'fn' in clause ? clause.fn : undefined,
        'field' in clause ? clause.field : undefined,
        from,
      )
      return { get: (g) => sortValue(field, calc(g)), ...direction(clause) }
    })
    list = sortByKeys(list, keys)
  }
  const offset = q.offset ?? 0
  list = list.slice(offset, offset + (q.limit ?? Infinity))
  return list.map((g) => {
    const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } }
    for (const col of columns) out[col.key] = col.calc(g)
    return out
  })
}
