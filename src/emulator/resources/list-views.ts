// The list views every object has in a new org: "All <records>", "My <records>" (objects
// with an owner) and "Recently Viewed <records>", with their columns and SOQL.

import type { FieldDef, ObjectDef } from '../model/index.js'
import { fixedId } from './fixed-id.js'
import { keyFields } from './layout-body.js'

export type ListViewScope = 'everything' | 'mine' | 'mru'

export interface ListView {
  id: string
  developerName: string
  label: string
  scope: ListViewScope
  obj: ObjectDef
  /** Shown columns, then the hidden ones Salesforce always selects. */
  columns: { field: FieldDef; hidden: boolean }[]
}

const HIDDEN = ['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp']

export function listViews(obj: ObjectDef, objIndex: number): ListView[] {
  const plural = obj.labelPlural.replace(/[^A-Za-z0-9]/g, '')
  const byName = new Map(obj.fields.map((f) => [f.name, f]))
  const shown = keyFields(obj).filter((f) => f.type !== 'reference')
  const columns = [
    ...shown.map((field) => ({ field, hidden: false })),
    ...HIDDEN.flatMap((n) => {
      const field = byName.get(n)
      return field && !shown.includes(field) ? [{ field, hidden: true }] : []
    }),
  ]
  const views: Omit<ListView, 'id'>[] = [
    {
      developerName: `All${plural}`,
      label: `All ${obj.labelPlural}`,
      scope: 'everything',
      obj,
      columns,
    },
    ...(byName.has('OwnerId')
      ? [
          {
            developerName: `My${plural}`,
            label: `My ${obj.labelPlural}`,
            scope: 'mine' as const,
            obj,
            columns,
          },
        ]
      : []),
    {
      developerName: `RecentlyViewed${plural}`,
      label: `Recently Viewed ${obj.labelPlural}`,
      scope: 'mru',
      obj,
      columns,
    },
  ]
  return views.map((v, i) => ({ ...v, id: fixedId('00B', objIndex * 3 + i) }))
}

/** The list view's SOQL, as its describe shows it (`mine` filters on the given owner). */
export function listViewQuery(view: ListView, userId: string, ids?: string[]): string {
  const select = view.columns.map((c) => c.field.name).join(', ')
  const name = view.columns[0]?.field.name ?? 'Id'
  const where =
    view.scope === 'mine'
      ? ` WHERE OwnerId = '${userId}'`
      : view.scope === 'mru'
        ? ` WHERE Id IN (${(ids ?? []).map((id) => `'${id}'`).join(', ') || "''"})`
        : ''
  return `SELECT ${select} FROM ${view.obj.name}${where} ORDER BY ${name} ASC NULLS FIRST, Id ASC NULLS FIRST`
}

/** The columns as a list view's describe and results answer them. */
export function listViewColumns(view: ListView): Record<string, unknown>[] {
  return view.columns.map(({ field, hidden }, i) => ({
    ascendingLabel: ['string', 'textarea', 'picklist', 'email', 'url', 'phone'].includes(field.type)
      ? 'A-Z'
      : 'Low to High',
    descendingLabel: ['string', 'textarea', 'picklist', 'email', 'url', 'phone'].includes(
      field.type,
    )
      ? 'Z-A'
      : 'High to Low',
    fieldNameOrPath: field.name,
    hidden,
    label: field.label,
    searchable: ['string', 'email', 'phone'].includes(field.type),
    selectListItem: field.name,
    sortDirection: i === 0 ? 'ascending' : null,
    sortIndex: i === 0 ? 0 : null,
    sortable: field.type !== 'textarea',
    type: field.type,
  }))
}
