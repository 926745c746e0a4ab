// ORDER BY as a comparator: several keys, ASC/DESC, NULLS FIRST/LAST. Salesforce puts nulls
// first for ASC and last for DESC unless told otherwise, and sorts text case-insensitively.

import type { FieldDef, ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { kindOf, normalize } from './compare-value.js'
import { resolvePath, type RowLookup } from './field-path.js'
import { findToken, locate, soqlError } from './soql-error.js'

export interface SortKey<T> {
  get: (item: T) => string | number | boolean | null
  desc: boolean
  nullsFirst: boolean
}

export interface OrderClause {
  field?: string
  fn?: { rawValue?: string; functionName?: string }
  order?: string
  nulls?: string
}

/** Turns a raw value into something `<` can order, by field type. */
export function sortValue(field: FieldDef, value: unknown): string | number | boolean | null {
  const kind = kindOf(field)
  // Multipicklists sort by their stored text, not the sorted set used for equality.
  if (kind === 'multi') return normalize('text', value)
  return normalize(kind, value)
}

/** The sort direction and null placement of one ORDER BY item. */
export function direction(clause: OrderClause): { desc: boolean; nullsFirst: boolean } {
  const desc = clause.order?.toUpperCase() === 'DESC'
  const nulls = clause.nulls?.toUpperCase()
  return { desc, nullsFirst: nulls === undefined ? !desc : nulls === 'FIRST' }
}

type SortVal = string | number | boolean | null

function compareVals<T>(x: SortVal[], y: SortVal[], keys: SortKey<T>[]): number {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as SortKey<T>
    const a = x[i] ?? null
    const b = y[i] ?? null
    if (a === b) continue
    if (a === null) return key.nullsFirst ? -1 : 1
    if (b === null) return key.nullsFirst ? 1 : -1
    const c = a < b ? -1 : 1
    return key.desc ? -c : c
  }
  return 0
}

/** A stable sort that reads each item's keys once, not once per comparison. */
export function sortByKeys<T>(items: T[], keys: SortKey<T>[]): T[] {
  const decorated = items.map((item) => ({ item, vals: keys.map((k) => k.get(item)) }))
  decorated.sort((a, b) => compareVals(a.vals, b.vals, keys))
  return decorated.map((d) => d.item)
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** The sorter of a non-aggregate query's ORDER BY, or undefined when it has none. */
export function compileOrder(
  orderBy: OrderClause | OrderClause[] | undefined,
  org: OrgReader,
  object: ObjectDef,
  text: string,
  from: number,
  lookup: RowLookup,
  alias?: string,
): ((rows: RecordRow[]) => RecordRow[]) | undefined {
  const clauses = asList(orderBy)
  if (clauses.length === 0) return undefined
  const at = findToken(text, 'ORDER', from)
  const start = at >= 0 ? at : from
  const keys = clauses.map((clause): SortKey<RecordRow> => {
    if (clause.field === undefined) {
      const raw = clause.fn?.rawValue ?? ''
      throw soqlError(
        'MALFORMED_QUERY',
        text,
        locate(text, raw.split('(')[0] ?? '', start),
        `Ordering by ${raw} is only valid in an aggregate query`,
      )
    }
    const offset = locate(text, clause.field, start)
    const path = resolvePath(org, object, clause.field, { query: text, offset }, alias)
    return { get: (row) => sortValue(path.field, lookup.value(path, row)), ...direction(clause) }
  })
  return (rows) => sortByKeys(rows, keys)
}
