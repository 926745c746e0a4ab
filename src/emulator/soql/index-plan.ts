// Picks an index for a query's WHERE: when the clause is (or is ANDed with) `Field = 'v'` or
// `Field IN ('v', ...)` on the Id, an external id, a unique field or a lookup, only the
// rows the store finds under those values are read, not the whole object. The compiled
// WHERE still tests every row read, so the index only has to find a superset.

import type { Query } from 'soql-parser-js'
import type { ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { buildBoolTree, type BoolNode, type Cond } from './parse-soql.js'

/** Rows to test instead of the whole table, or undefined when no index applies. */
export function indexedRows(
  org: OrgReader,
  object: ObjectDef,
  where: Query['where'],
  text: string,
): Iterable<RecordRow> | undefined {
  if (!where || !org.rowsWhere) return undefined
  const tree = buildBoolTree(where, text, 0)
  const conds = tree.kind === 'cond' ? [tree] : tree.kind === 'and' ? tree.items : []
  const candidates = conds
    .map((n) => equality(n))
    .filter((c): c is { field: string; values: string[] } => c !== undefined)
  // The Id first: one row at most per value.
  candidates.sort(
    (a, b) => Number(b.field.toLowerCase() === 'id') - Number(a.field.toLowerCase() === 'id'),
  )
  for (const c of candidates) {
    const rows = org.rowsWhere(object.name, c.field, c.values)
    if (rows) return rows
  }
  return undefined
}

/** `Field = 'text'` or `Field IN ('text', ...)` on a field of the queried object itself. */
function equality(node: BoolNode): { field: string; values: string[] } | undefined {
  if (node.kind !== 'cond') return undefined
  const cond: Cond = node.cond
  if (!('field' in cond) || typeof cond.field !== 'string' || cond.field.includes('.'))
    return undefined
  if (!('value' in cond) || ('valueQuery' in cond && cond.valueQuery)) return undefined
  const op = String(cond.operator).toUpperCase()
  if (op !== '=' && op !== 'IN') return undefined
  const raw: unknown = cond.value
  const list = op === 'IN' ? raw : [raw]
  if (!Array.isArray(list) || list.length === 0) return undefined
  const literal = cond.literalType
  const types = Array.isArray(literal) ? literal : [literal]
  if (!types.every((t) => t === 'STRING')) return undefined
  const values: string[] = []
  for (const v of list) {
    // Escaped quotes and backslashes are rare in keys: leave those queries to the scan.
    if (typeof v !== 'string' || !/^'[^'\\]*'$/.test(v)) return undefined
    values.push(v.slice(1, -1))
  }
  return { field: cond.field, values }
}
