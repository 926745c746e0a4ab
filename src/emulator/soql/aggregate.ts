// Aggregate queries: COUNT(field), COUNT_DISTINCT, SUM, AVG, MIN, MAX with GROUP BY, HAVING,
// ORDER BY and LIMIT/OFFSET over groups. Rows are `AggregateResult`s, unaliased aggregates
// are named expr0, expr1, ... and grouped fields keep their own name (salesforce-api.md §3).
// The rows are read once: each group keeps one accumulator per aggregate call, never its
// rows, so a GROUP BY over millions of records holds only its groups.

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
  /** One accumulator per aggregate call of the query, in `accumulators` order. */
  accs: unknown[]
  /** Group-by values, by lower-case path text. */
  keys: Map<string, unknown>
}

/** An aggregate call's running state: made per group, fed each row, read at the end. */
interface Accumulator<A = unknown> {
  init: () => A
  add: (acc: A, row: RecordRow) => A
  result: (acc: A) => unknown
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
  rows: Iterable<RecordRow>,
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
  // Every aggregate call of SELECT, HAVING and ORDER BY, fed as the rows are read.
  const accumulators: Accumulator[] = []
  const accumulate = <A>(acc: Accumulator<A>): Calc => {
    const at = accumulators.push(acc as Accumulator) - 1
    return (g) => acc.result(g.accs[at] as A)
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
      return {
        calc: accumulate<number>({ init: () => 0, add: (n) => n + 1, result: (n) => n }),
        field: syntheticField(undefined, 'int'),
      }
    if (arg === undefined)
      throw soqlError(
        'MALFORMED_QUERY',
        text,
        locate(text, fn, from),
        `unexpected token: '${rawValue}'`,
      )
    const path = pathOf(arg, from)
    const kind = kindOf(path.field)
    /** The row's value, or undefined when empty (aggregates skip empty values). */
    const valueOf = (row: RecordRow): unknown => {
      const v = lookup.value(path, row)
      return v === null || v === undefined || v === '' ? undefined : v
    }
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
        return {
          calc: accumulate<number>({
            init: () => 0,
            add: (n, row) => (valueOf(row) === undefined ? n : n + 1),
            result: (n) => n,
          }),
          field: syntheticField(undefined, 'int'),
        }
      case 'COUNT_DISTINCT':
        return {
          calc: accumulate<Set<unknown>>({
            init: () => new Set(),
            add: (seen, row) => {
              const v = valueOf(row)
              if (v !== undefined) seen.add(normalize(kind, v))
              return seen
            },
            result: (seen) => seen.size,
          }),
          field: syntheticField(undefined, 'int'),
        }
      case 'SUM':
      case 'AVG':
        return {
          calc: accumulate<{ sum: number; n: number }>({
            init: () => ({ sum: 0, n: 0 }),
            add: (acc, row) => {
              const v = valueOf(row)
              if (v !== undefined) {
                acc.sum += Number(v)
                acc.n++
              }
              return acc
            },
            result: ({ sum, n }) => (n === 0 ? null : name === 'SUM' ? sum : sum / n),
          }),
          field: syntheticField(path.field, 'double'),
        }
      default:
        return {
          calc: accumulate<{ best: unknown; key: ReturnType<typeof sortValue> }>({
            init: () => ({ best: null, key: null }),
            add: (acc, row) => {
              const v = valueOf(row)
              const x = v === undefined ? null : sortValue(path.field, v)
              if (x === null) return acc
              if (acc.key === null || (name === 'MIN' ? x < acc.key : x > acc.key)) {
                acc.best = v
                acc.key = x
              }
              return acc
            },
            result: (acc) => acc.best,
          }),
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

  let having: ((g: Group) => boolean) | undefined
  if (q.having) {
    const at = findToken(text, 'HAVING', ctx.from)
    const from = at >= 0 ? at : ctx.from
    const tree = buildBoolTree(q.having, text, from)
    having = compileBool<Group>(tree, (cond) => {
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
  }
  const orderBy = asList(q.orderBy)
  let keys: SortKey<Group>[] | undefined
  if (orderBy.length > 0) {
    const at = findToken(text, 'ORDER', ctx.from)
    const from = at >= 0 ? at : ctx.from
    keys = orderBy.map((clause): SortKey<Group> => {
      const { calc, field } = operand(
        'fn' in clause ? clause.fn : undefined,
        'field' in clause ? clause.field : undefined,
        from,
      )
      return { get: (g) => sortValue(field, calc(g)), ...direction(clause) }
    })
  }

  // Groups, in order of first appearance. Without GROUP BY there is always exactly one,
  // even over no records.
  const entries = [...groupKeys]
  const kinds = entries.map(([, k]) => kindOf(k.field))
  const newGroup = (keys: Map<string, unknown>): Group => ({
    accs: accumulators.map((a) => a.init()),
    keys,
  })
  const groups = new Map<string, Group>()
  const single = entries.length === 0 ? newGroup(new Map()) : undefined
  for (const row of rows) {
    let group = single
    if (group === undefined) {
      const values = entries.map(([, k]) => k.get(row) ?? null)
      // Grouping follows comparison: text groups ignore case, as in Salesforce.
      const id = JSON.stringify(values.map((v, i) => normalize(kinds[i] ?? 'text', v)))
      group = groups.get(id)
      if (group === undefined) {
        group = newGroup(new Map(entries.map(([k], i) => [k, values[i]])))
        groups.set(id, group)
      }
    }
    const accs = group.accs
    for (let i = 0; i < accumulators.length; i++) accs[i] = accumulators[i]!.add(accs[i], row)
  }
  let list = single ? [single] : [...groups.values()]
  if (having) list = list.filter(having)
  if (keys) list = sortByKeys(list, keys)
  const offset = q.offset ?? 0
  list = list.slice(offset, offset + (q.limit ?? Infinity))
  return list.map((g) => {
    const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } }
    for (const col of columns) out[col.key] = col.calc(g)
    return out
  })
}
