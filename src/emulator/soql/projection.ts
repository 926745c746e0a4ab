// Turns rows into query records: the SELECT list compiled once into a renderer that writes
// canonical field names in SELECT order, nested parents (`"Account": {...}` or null) and child
// subqueries (`{"totalSize", "done", "records"}` or null), each with `attributes` first.

import type { FieldType, Subquery } from 'soql-parser-js'
import type { FieldDef, ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { resolvePath, type Hop, type RowLookup } from './field-path.js'
import { compileOrder } from './order.js'
import { compileWhere } from './predicate.js'
import { locate, soqlError } from './soql-error.js'

export interface SelectContext {
  org: OrgReader
  text: string
  /** Where this SELECT starts in `text`, to point errors at the right place. */
  from: number
  object: ObjectDef
  alias?: string | undefined
  now: Date
  includeDeleted: boolean
  lookup: RowLookup
  apiVersion: string
}

type Column =
  | { kind: 'field'; key: string; field: FieldDef; labels?: Map<string, string> }
  | { kind: 'parent'; key: string; hop: Hop; level: Level }
  | { kind: 'children'; key: string; run: (row: RecordRow) => object | null }

interface Level {
  columns: Column[]
}

const MAX_CHILD_DEPTH = 5

export type Renderer = (row: RecordRow, type: string) => Record<string, unknown>

/** `attributes` of a record, with the url in the request's API version. */
export function attributes(
  apiVersion: string,
  type: string,
  id: string,
): { type: string; url: string } {
  return { type, url: `/services/data/v${apiVersion.replace(/^v/, '')}/sobjects/${type}/${id}` }
}

/** Compiles a SELECT list; throws INVALID_FIELD / INVALID_TYPE for unknown names. */
export function compileSelect(fields: FieldType[], ctx: SelectContext, depth = 0): Renderer {
  const top: Level = { columns: [] }
  let cursor = ctx.from
  const addPath = (dotted: string, toLabel = false) => {
    const offset = locate(ctx.text, dotted, ctx.from)
    const path = resolvePath(ctx.org, ctx.object, dotted, { query: ctx.text, offset }, ctx.alias)
    let level = top
    for (const hop of path.hops) {
      let col = level.columns.find((c) => c.kind === 'parent' && c.key === hop.relationshipName)
      if (!col) {
        col = { kind: 'parent', key: hop.relationshipName, hop, level: { columns: [] } }
        level.columns.push(col)
      }
      if (col.kind === 'parent') level = col.level
    }
    // Salesforce refuses a field selected twice (DUPLICATE_FIELD); the emulator keeps one.
    if (!level.columns.some((c) => c.kind === 'field' && c.key === path.field.name)) {
      // toLabel() answers a picklist value's label in place of the value.
      const labels = toLabel
        ? new Map(path.field.picklistValues.map((p) => [p.value, p.label]))
        : undefined
      level.columns.push({
        kind: 'field',
        key: path.field.name,
        field: path.field,
        ...(labels && { labels }),
      })
    }
  }
  for (const item of fields) {
    if (item.type === 'Field') addPath(item.field)
    else if (item.type === 'FieldRelationship')
      addPath(item.rawValue ?? [...item.relationships, item.field].join('.'))
    else if (item.type === 'FieldSubquery') {
      const sub = /\(\s*select\b/i.exec(ctx.text.slice(cursor))
      const at = sub ? cursor + sub.index : cursor
      cursor = at + 1
      // API 58.0+ allows child subqueries inside child subqueries, five levels deep.
      if (depth >= MAX_CHILD_DEPTH)
        throw soqlError(
          'MALFORMED_QUERY',
          ctx.text,
          at,
          `Child subqueries can be nested at most ${MAX_CHILD_DEPTH} levels deep`,
        )
      top.columns.push(compileChildren(item.subquery, { ...ctx, from: at }, depth + 1))
    } else if (
      item.type === 'FieldFunctionExpression' &&
      item.functionName.toUpperCase() === 'FIELDS'
    ) {
      const param = item.parameters[0]
      const which = typeof param === 'string' ? param.toUpperCase() : ''
      for (const f of ctx.object.fields) {
        if (which === 'ALL' || (which === 'CUSTOM') === f.custom) addPath(f.name)
      }
    } else if (
      item.type === 'FieldFunctionExpression' &&
      item.functionName.toUpperCase() === 'TOLABEL' &&
      typeof item.parameters[0] === 'string'
    ) {
      addPath(item.parameters[0], true)
    } else {
      const raw =
        item.type === 'FieldFunctionExpression' ? (item.rawValue ?? item.functionName) : item.field
      throw soqlError(
        'MALFORMED_QUERY',
        ctx.text,
        locate(ctx.text, raw.split('(')[0] ?? '', ctx.from),
        `The emulator does not support ${raw} in a SELECT list`,
      )
    }
  }
  const render = (level: Level, row: RecordRow, type: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { attributes: attributes(ctx.apiVersion, type, row.Id) }
    for (const col of level.columns) {
      if (col.kind === 'field') {
        const value = row[col.field.name] ?? null
        // Binary fields answer the URL of their bytes, never the data (ContentVersion.VersionData).
        if (col.field.type === 'base64') {
          out[col.key] =
            value === null
              ? null
              : `/services/data/v${ctx.apiVersion}/sobjects/${type}/${row.Id}/${col.field.name}`
          continue
        }
        out[col.key] =
          col.labels && typeof value === 'string' ? (col.labels.get(value) ?? value) : value
      } else if (col.kind === 'children') out[col.key] = col.run(row)
      else {
        const parent = ctx.lookup.parent(col.hop, row[col.hop.field.name])
        out[col.key] = parent ? render(col.level, parent, ctx.lookup.typeOf(col.hop, parent)) : null
      }
    }
    return out
  }
  return (row, type) => render(top, row, type)
}

/**
 * A child subquery such as `(SELECT Id FROM Contacts)`, through the parent's child
 * relationships. Child rows are grouped by parent id once, on first use.
 */
function compileChildren(sub: Subquery, ctx: SelectContext, depth: number): Column {
  const lower = sub.relationshipName.toLowerCase()
  const rel = ctx.object.childRelationships.find((r) => r.relationshipName.toLowerCase() === lower)
  const child = rel ? ctx.org.getObject(rel.childSObject) : undefined
  if (!rel || !child) {
    throw soqlError(
      'INVALID_TYPE',
      ctx.text,
      locate(ctx.text, sub.relationshipName, ctx.from),
      `Didn't understand relationship '${sub.relationshipName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    )
  }
  const childCtx: SelectContext = { ...ctx, object: child, alias: undefined }
  const render = compileSelect(sub.fields ?? [], childCtx, depth)
  const where = compileWhere(sub.where, childCtx)
  const order = compileOrder(sub.orderBy, ctx.org, child, ctx.text, ctx.from, ctx.lookup)
  const offset = sub.offset ?? 0
  const limit = sub.limit ?? Infinity
  let byParent: Map<string, RecordRow[]> | undefined
  const index = () => {
    const map = new Map<string, RecordRow[]>()
    for (const row of ctx.org.rows(child.name)) {
      const parentId = row[rel.field]
      if (typeof parentId !== 'string' || parentId === '') continue
      if (row.IsDeleted && !ctx.includeDeleted) continue
      if (!where(row)) continue
      const key = parentId.slice(0, 15)
      const list = map.get(key)
      if (list) list.push(row)
      else map.set(key, [row])
    }
    return map
  }
  return {
    kind: 'children',
    key: rel.relationshipName,
    run: (parent) => {
      let rows: RecordRow[]
      // A lookup with an index reads each parent's children from it; else one pass over
      // the child object groups them all.
      const indexed = ctx.org.rowsWhere?.(child.name, rel.field, [parent.Id])
      if (indexed) {
        rows = []
        for (const row of indexed) {
          const parentId = row[rel.field]
          if (typeof parentId !== 'string' || parentId.slice(0, 15) !== parent.Id.slice(0, 15))
            continue
          if (row.IsDeleted && !ctx.includeDeleted) continue
          if (where(row)) rows.push(row)
        }
      } else {
        byParent ??= index()
        rows = byParent.get(parent.Id.slice(0, 15)) ?? []
      }
      if (order) rows = order.sort(rows)
      rows = rows.slice(offset, offset + limit)
      if (rows.length === 0) return null
      return { totalSize: rows.length, done: true, records: rows.map((r) => render(r, child.name)) }
    },
  }
}
