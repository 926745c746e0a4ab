// ORDER BY as sort keys: several keys, ASC/DESC, NULLS FIRST/LAST. Salesforce puts nulls
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

// Sort keys as bytes: an ORDER BY is compared byte by byte (Buffer.compare in the heap,
// SQLite's BLOB order when a large selection is sorted on disk), so both follow one rule.
// Each key is a null marker (nulls before or after the values whatever the direction:
// NULLS FIRST/LAST, or Salesforce's default above), then the value's bytes, all inverted
// for DESC. A value ends where its own bytes say (fixed width, or a terminator for text),
// so one key never compares against the next.
const NULL_FIRST = 0x01
const VALUE = 0x02
const NULL_LAST = 0x03
const BOOLEAN = 0x20
const NUMBER = 0x30
const TEXT = 0x40

/** Bytes that order as JavaScript's `<` orders `v` (text by UTF-16 code unit). */
function valueBytes(v: string | number | boolean, out: number[]): void {
  if (typeof v === 'boolean') {
    out.push(BOOLEAN, v ? 1 : 0)
  } else if (typeof v === 'number') {
    // IEEE 754 big-endian with the sign bit flipped for positives and every bit flipped for
    // negatives orders as the numbers do; -0 is 0, as `<` sees it.
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, v === 0 ? 0 : v)
    const negative = v < 0
    out.push(NUMBER)
    for (let i = 0; i < 8; i++) {
      const b = view.getUint8(i)
      out.push(negative ? 0xff - b : i === 0 ? b ^ 0x80 : b)
    }
  } else {
    // Each code unit in 1 to 3 bytes whose first byte orders the ranges (never 0), then a 0
    // terminator: a prefix sorts first, as with `<`.
    out.push(TEXT)
    for (let i = 0; i < v.length; i++) {
      const u = v.charCodeAt(i)
      if (u < 0x7f) out.push(u + 1)
      else if (u < 0x3f7f) out.push(0x80 + ((u - 0x7f) >> 8), (u - 0x7f) & 0xff)
      else out.push(0xc0, ((u - 0x3f7f) >> 8) & 0xff, (u - 0x3f7f) & 0xff)
    }
    out.push(0)
  }
}

/** One row's sort keys as bytes that compare (memcmp) as ORDER BY orders the rows. */
export function keyBytes(
  vals: readonly SortVal[],
  keys: readonly Omit<SortKey<never>, 'get'>[],
): Buffer {
  const out: number[] = []
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const v = vals[i] ?? null
    if (v === null) {
      out.push(key.nullsFirst ? NULL_FIRST : NULL_LAST)
      continue
    }
    out.push(VALUE)
    const start = out.length
    valueBytes(v, out)
    if (key.desc) for (let j = start; j < out.length; j++) out[j] = 0xff - out[j]!
  }
  return Buffer.from(out)
}

/** An item's ORDER BY key as bytes (see keyBytes). */
export function sortKeyOf<T>(item: T, keys: readonly SortKey<T>[]): Buffer {
  return keyBytes(
    keys.map((k) => k.get(item)),
    keys,
  )
}

/** A stable sort that reads each item's keys once, not once per comparison. */
export function sortByKeys<T>(items: T[], keys: SortKey<T>[]): T[] {
  const decorated = items.map((item) => ({ item, key: sortKeyOf(item, keys) }))
  decorated.sort((a, b) => Buffer.compare(a.key, b.key))
  return decorated.map((d) => d.item)
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** A non-aggregate query's ORDER BY: its keys, and a sort of rows held in the heap. */
export interface OrderBy {
  keys: SortKey<RecordRow>[]
  sort: (rows: RecordRow[]) => RecordRow[]
}

/** The ORDER BY of a non-aggregate query, or undefined when it has none. */
export function compileOrder(
  orderBy: OrderClause | OrderClause[] | undefined,
  org: OrgReader,
  object: ObjectDef,
  text: string,
  from: number,
  lookup: RowLookup,
  alias?: string,
): OrderBy | undefined {
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
  return { keys, sort: (rows) => sortByKeys(rows, keys) }
}
