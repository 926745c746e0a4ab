// Column metadata of a query, as `/query?q=...&columns=true` answers it without running the
// query: one entry per SELECT item, with parents and child subqueries as nested joinColumns.
// Command-line tools read it to print result tables (shape: salesforcecli plugin-data).

import type { FieldType as SelectItem, Query } from 'soql-parser-js'
import type { FieldDef, FieldType, ObjectDef, OrgReader } from '../model/index.js'
import { resolvePath } from './field-path.js'
import { parseSoql } from './parse-soql.js'
import { findToken, locate, soqlError, unsupportedType } from './soql-error.js'

/** One column; keys in Salesforce's (alphabetical) order. */
export interface ColumnMetadata {
  aggregate: boolean
  apexType: string | null
  booleanType: boolean
  columnName: string
  custom: boolean
  displayName: string
  foreignKeyName: string | null
  insertable: boolean
  joinColumns: ColumnMetadata[]
  numberType: boolean
  textType: boolean
  updatable: boolean
}

export interface QueryColumns {
  columnMetadata: ColumnMetadata[]
  entityName: string
  groupBy: boolean
  idSelected: boolean
  keyPrefix: string
}

const APEX_TYPES: Record<FieldType, string> = {
  id: 'Id',
  reference: 'Id',
  string: 'String',
  textarea: 'String',
  email: 'String',
  phone: 'String',
  url: 'String',
  picklist: 'String',
  multipicklist: 'String',
  boolean: 'Boolean',
  int: 'Integer',
  double: 'Decimal',
  currency: 'Decimal',
  percent: 'Decimal',
  date: 'Date',
  datetime: 'Datetime',
  combobox: 'String',
  base64: 'Blob',
  address: 'Address',
}
const NUMBERS = new Set<FieldType>(['int', 'double', 'currency', 'percent'])
const TEXTS = new Set<FieldType>([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
])

function fieldColumn(field: FieldDef): ColumnMetadata {
  return {
    aggregate: false,
    apexType: APEX_TYPES[field.type],
    booleanType: field.type === 'boolean',
    columnName: field.name,
    custom: field.custom,
    displayName: field.name,
    foreignKeyName: null,
    insertable: field.createable,
    joinColumns: [],
    numberType: NUMBERS.has(field.type),
    textType: TEXTS.has(field.type),
    updatable: field.updateable,
  }
}

/** A parent (`Owner`) or child (`Contacts`) column that holds other columns. */
function joinColumn(
  name: string,
  custom: boolean,
  foreignKeyName: string | null,
  aggregate: boolean,
) {
  return {
    aggregate,
    apexType: null,
    booleanType: false,
    columnName: name,
    custom,
    displayName: name,
    foreignKeyName,
    insertable: false,
    joinColumns: [] as ColumnMetadata[],
    numberType: false,
    textType: false,
    updatable: false,
  } satisfies ColumnMetadata
}

interface Ctx {
  org: OrgReader
  text: string
  from: number
  object: ObjectDef
  alias: string | undefined
}

/** The columns of one SELECT list (the query's own, or a child subquery's). */
function describeSelect(items: SelectItem[], ctx: Ctx): ColumnMetadata[] {
  const top: ColumnMetadata[] = []
  let expr = 0
  let cursor = ctx.from
  const addPath = (dotted: string) => {
    const offset = locate(ctx.text, dotted, ctx.from)
    const path = resolvePath(ctx.org, ctx.object, dotted, { query: ctx.text, offset }, ctx.alias)
    let level = top
    for (const hop of path.hops) {
      let col = level.find((c) => c.foreignKeyName === hop.field.name)
      if (!col) {
        col = joinColumn(hop.relationshipName, hop.field.custom, hop.field.name, false)
        level.push(col)
      }
      level = col.joinColumns
    }
    if (!level.some((c) => c.columnName === path.field.name)) level.push(fieldColumn(path.field))
  }
  for (const item of items) {
    if (item.type === 'Field') addPath(item.field)
    else if (item.type === 'FieldRelationship')
      addPath(item.rawValue ?? [...item.relationships, item.field].join('.'))
    else if (item.type === 'FieldSubquery') {
      const sub = /\(\s*select\b/i.exec(ctx.text.slice(cursor))
      const at = sub ? cursor + sub.index : cursor
      cursor = at + 1
      const lower = item.subquery.relationshipName.toLowerCase()
      const rel = ctx.object.childRelationships.find(
        (r) => r.relationshipName.toLowerCase() === lower,
      )
      const child = rel ? ctx.org.getObject(rel.childSObject) : undefined
      if (!rel || !child) {
        throw soqlError(
          'INVALID_TYPE',
          ctx.text,
          locate(ctx.text, item.subquery.relationshipName, at),
          `Didn't understand relationship '${item.subquery.relationshipName}' in FROM part of query call.`,
        )
      }
      // A child subquery is an "aggregate" column of its own rows ([C-3p: plugin-data]).
      const col = joinColumn(rel.relationshipName, child.custom, null, true)
      col.joinColumns = describeSelect(item.subquery.fields ?? [], {
        ...ctx,
        from: at,
        object: child,
        alias: undefined,
      })
      top.push(col)
    } else if (item.type === 'FieldFunctionExpression') {
      const name = item.functionName.toUpperCase()
      const param = item.parameters[0]
      if (name === 'FIELDS') {
        const which = typeof param === 'string' ? param.toUpperCase() : ''
        for (const f of ctx.object.fields)
          if (which === 'ALL' || (which === 'CUSTOM') === f.custom) addPath(f.name)
      } else if (
        ['TOLABEL', 'FORMAT', 'CONVERTCURRENCY'].includes(name) &&
        typeof param === 'string'
      ) {
        addPath(param)
      } else {
        // Aggregates and grouped date functions: named by alias or exprN, no Apex type.
        const inner =
          typeof param === 'string'
            ? resolvePath(
                ctx.org,
                ctx.object,
                param,
                {
                  query: ctx.text,
                  offset: locate(ctx.text, param, ctx.from),
                },
                ctx.alias,
              ).field
            : undefined
        // MIN and MAX take their field's kind; COUNT, SUM, AVG and date functions are numbers.
        const alwaysNumber = name !== 'MIN' && name !== 'MAX'
        const raw =
          item.rawValue ?? `${item.functionName}(${typeof param === 'string' ? param : ''})`
        top.push({
          aggregate: true,
          apexType: null,
          booleanType: false,
          columnName: item.alias ?? `expr${expr++}`,
          custom: false,
          displayName: item.alias ?? raw,
          foreignKeyName: null,
          insertable: false,
          joinColumns: [],
          numberType: alwaysNumber || (inner !== undefined && NUMBERS.has(inner.type)),
          textType: !alwaysNumber && inner !== undefined && TEXTS.has(inner.type),
          updatable: false,
        })
      }
    } else {
      throw soqlError(
        'MALFORMED_QUERY',
        ctx.text,
        ctx.from,
        'The emulator does not describe this SELECT item (TYPEOF); select the fields instead',
      )
    }
  }
  return top
}

/**
 * The column metadata of `soql`, as `columns=true` answers it. Validates the SELECT list and
 * FROM like a query run (INVALID_FIELD, INVALID_TYPE, MALFORMED_QUERY), without reading rows.
 * `SELECT COUNT()` has no columns.
 */
export function queryColumns(org: OrgReader, soql: string): QueryColumns {
  const q: Query = parseSoql(soql)
  const objectName = q.sObject ?? ''
  const object = org.getObject(objectName)
  if (!object) {
    const fromAt = findToken(soql, 'FROM')
    throw unsupportedType(soql, locate(soql, objectName, Math.max(fromAt, 0)), objectName)
  }
  const items = q.fields ?? []
  const countOnly = items.every(
    (f) =>
      f.type === 'FieldFunctionExpression' &&
      f.functionName.toUpperCase() === 'COUNT' &&
      f.parameters.length === 0,
  )
  const columns = countOnly
    ? []
    : describeSelect(items, { org, text: soql, from: 0, object, alias: q.sObjectAlias })
  return {
    columnMetadata: columns,
    entityName: object.name,
    groupBy: q.groupBy !== undefined,
    idSelected: columns.some((c) => c.columnName === 'Id' && !c.aggregate),
    keyPrefix: object.keyPrefix,
  }
}
