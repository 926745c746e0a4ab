// Query plans for `/query?explain=<SOQL>` (Query Performance Feedback): which filters an
// index could serve, how many rows each would select, and a table scan, cheapest first.
// Costs follow Salesforce's selectivity thresholds; they are a guide, not Salesforce's figures.

import type { Query } from 'soql-parser-js'
import type { FieldDef, ObjectDef, OrgReader, RecordRow } from '../model/index.js'
import { RowLookup, resolvePath } from './field-path.js'
import { buildBoolTree, parseSoql, type Cond } from './parse-soql.js'
import { compileLeaf, compileWhere, type WhereContext } from './predicate.js'
import { queryColumns } from './query-columns.js'
import { findToken, locate } from './soql-error.js'

export interface PlanNote {
  description: string
  fields: string[]
  tableEnumOrId: string
}

/** One plan; keys in Salesforce's order. */
export interface QueryPlan {
  cardinality: number
  fields: string[]
  leadingOperationType: 'Index' | 'Other' | 'Sharing' | 'TableScan'
  notes: PlanNote[]
  relativeCost: number
  sobjectCardinality: number
  sobjectType: string
}

// Standard indexes (Salesforce's "Working with Very Large SOQL Queries"): Id, Name, OwnerId,
// CreatedDate, SystemModstamp, RecordTypeId, lookups and Email; custom ones: unique and
// external id fields.
const STANDARD_INDEXED = new Set([
  'Id',
  'OwnerId',
  'CreatedDate',
  'SystemModstamp',
  'RecordTypeId',
  'Email',
])
// Operators an index can serve; negative ones (!=, NOT IN, NOT LIKE, EXCLUDES) cannot.
const INDEXABLE_OPERATORS = new Set(['=', 'IN', '<', '>', '<=', '>=', 'LIKE'])
// A cost above 1 means "not selective", which a scan of every row is; past 200,000 rows
// (where Apex refuses non-selective queries) the emulator makes it dearer still.
const TABLE_SCAN_ROWS = 200_000

function indexKind(field: FieldDef): 'standard' | 'custom' | undefined {
  if (STANDARD_INDEXED.has(field.name) || field.nameField || field.type === 'reference')
    return 'standard'
  if (field.externalId || field.unique) return 'custom'
  return undefined
}

/**
 * The most rows a filter on this index may select and still be used: 30% of the first
 * million rows and 15% beyond (at most 1,000,000) for a standard index, 10% and 5% (at most
 * 333,333) for a custom one.
 */
export function selectivityThreshold(kind: 'standard' | 'custom', rows: number): number {
  const [first, rest, cap] = kind === 'standard' ? [0.3, 0.15, 1_000_000] : [0.1, 0.05, 333_333]
  const million = Math.min(rows, 1_000_000)
  return Math.min(cap, first * million + rest * Math.max(0, rows - 1_000_000))
}

/** A filter can use an index when it compares a field of the object itself with a value. */
function indexable(cond: Cond): boolean {
  if (!('field' in cond) || 'valueQuery' in cond) return false
  if (!INDEXABLE_OPERATORS.has(cond.operator.toUpperCase())) return false
  const values = [cond.value].flat()
  // Comparing with null never uses an index; nor does a LIKE that starts with a wildcard.
  if (values.some((v) => String(v).toLowerCase() === 'null')) return false
  return !(cond.operator.toUpperCase() === 'LIKE' && /^'[%_]/.test(String(values[0])))
}

const round = (n: number) => Math.round(n * 1e6) / 1e6

/**
 * The plans Salesforce's optimizer would weigh for `soql`, cheapest first; validates the
 * query like a run (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE) and reads rows to count.
 */
export function explainQuery(org: OrgReader, soql: string, now: Date): { plans: QueryPlan[] } {
  queryColumns(org, soql) // validates the SELECT list and FROM
  const q: Query = parseSoql(soql)
  const object = org.getObject(q.sObject ?? '') as ObjectDef
  const lookup = new RowLookup(org)
  const ctx: WhereContext = {
    org,
    text: soql,
    from: 0,
    object,
    alias: q.sObjectAlias,
    now,
    includeDeleted: false,
    lookup,
  }
  const whole = compileWhere(q.where, ctx)
  const live: RecordRow[] = []
  for (const row of org.rows(object.name)) if (!row.IsDeleted) live.push(row)
  const count = (test: (row: RecordRow) => boolean) => live.filter(test).length
  const sobjectCardinality = live.length

  const plans: QueryPlan[] = []
  const notes: PlanNote[] = []
  if (q.where) {
    const at = findToken(soql, 'WHERE')
    const from = at >= 0 ? at + 'WHERE'.length : 0
    const tree = buildBoolTree(q.where, soql, from)
    // Only filters every row must pass (top-level AND) can lead a plan.
    const conjuncts = tree.kind === 'and' ? tree.items : [tree]
    for (const node of conjuncts) {
      if (node.kind !== 'cond' || !('field' in node.cond)) continue
      const cond = node.cond
      const site = { query: soql, offset: locate(soql, cond.field, from) }
      const path = resolvePath(org, object, cond.field, site, q.sObjectAlias)
      if (path.hops.length > 0) continue
      const kind = indexKind(path.field)
      if (kind === undefined) {
        if (!notes.some((n) => n.fields[0] === path.field.name)) {
          notes.push({
            description: 'Not considering filter for optimization because unindexed',
            fields: [path.field.name],
            tableEnumOrId: object.name,
          })
        }
        continue
      }
      if (!indexable(cond)) continue
      const cardinality = count(compileLeaf(cond, { ...ctx, from }))
      const threshold = selectivityThreshold(kind, sobjectCardinality)
      plans.push({
        cardinality,
        fields: [path.field.name],
        leadingOperationType: 'Index',
        notes,
        relativeCost: threshold === 0 ? 0 : round(cardinality / threshold),
        sobjectCardinality,
        sobjectType: object.name,
      })
    }
  }
  plans.push({
    cardinality: count(whole),
    fields: [],
    leadingOperationType: 'TableScan',
    notes,
    relativeCost:
      sobjectCardinality === 0 ? 0 : round(Math.max(1, sobjectCardinality / TABLE_SCAN_ROWS)),
    sobjectCardinality,
    sobjectType: object.name,
  })
  // Cheapest first; on a tie an index leads (sort is stable and indexes come first).
  plans.sort((a, b) => a.relativeCost - b.relativeCost)
  return { plans }
}
