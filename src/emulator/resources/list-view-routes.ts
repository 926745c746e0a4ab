// `sobjects/{Type}/listviews`: the list, one list view, its describe (columns, SOQL) and its
// results (records as column/value pairs, `limit` and `offset` as Salesforce pages them).

import type { FastifyInstance } from 'fastify'
import { ApiError, type ObjectDef } from '../model/index.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { objectIndex } from './fixed-id.js'
import { listViewColumns, listViewQuery, listViews, type ListView } from './list-views.js'

type Params = { type: string }
type ViewParams = { type: string; id: string }

const notFound = () => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')

function entry(view: ListView, version: string): Record<string, unknown> {
  const url = `/services/data/v${version}/sobjects/${view.obj.name}/listviews/${view.id}`
  return {
    describeUrl: `${url}/describe`,
    developerName: view.developerName,
    id: view.id,
    label: view.label,
    resultsUrl: `${url}/results`,
    soqlCompatible: true,
    url,
  }
}

function bounded(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > 2000) {
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `${name} must be a number from ${min} to 2000: ${raw}`,
    )
  }
  return n
}

export function registerListViewRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  ctx: EmulatorContext,
): void {
  const store = state.store
  const base = '/services/data/:version/sobjects/:type/listviews'
  const requireType = (type: string): ObjectDef => {
    const obj = store.getObject(type)
    if (!obj) throw notFound()
    return obj
  }
  const viewsOf = (obj: ObjectDef) => listViews(obj, objectIndex(store.objects(), obj.name))
  const requireView = (p: ViewParams): ListView => {
    const views = viewsOf(requireType(p.type))
    // A list view is named by its id (15 or 18 characters) or its developer name.
    const view = views.find(
      (v) => v.id.slice(0, 15) === p.id.slice(0, 15) || v.developerName === p.id,
    )
    if (!view) throw notFound()
    return view
  }
  const recentIds = (view: ListView, userId: string) =>
    state.recent
      .list(userId)
      .filter((r) => r.objectName === view.obj.name)
      .map((r) => r.id)

  app.get<{ Params: Params }>(base, (request) => {
    const obj = requireType(request.params.type)
    const views = viewsOf(obj)
    return {
      done: true,
      listviews: views.map((v) => entry(v, request.apiVersion)),
      nextRecordsUrl: null,
      size: views.length,
      sobjectType: obj.name,
    }
  })

  app.get<{ Params: ViewParams }>(`${base}/:id`, (request) =>
    entry(requireView(request.params), request.apiVersion),
  )

  app.get<{ Params: ViewParams }>(`${base}/:id/describe`, (request) => {
    const view = requireView(request.params)
    const userId = request.session.userId
    return {
      columns: listViewColumns(view),
      id: view.id,
      orderBy: [
        {
          fieldNameOrPath: view.columns[0]?.field.name ?? 'Id',
          nullsPosition: 'first',
          sortDirection: 'ascending',
        },
        { fieldNameOrPath: 'Id', nullsPosition: 'first', sortDirection: 'ascending' },
      ],
      query: listViewQuery(view, userId, recentIds(view, userId)),
      relatedEntityId: null,
      scope: view.scope,
      scopeEntityId: null,
      sobjectType: view.obj.name,
      whereCondition:
        view.scope === 'mine'
          ? { field: 'OwnerId', operator: 'equals', values: [userId] }
          : { conditions: [], conjunction: 'and' },
    }
  })

  app.get<{ Params: ViewParams; Querystring: { limit?: string; offset?: string } }>(
    `${base}/:id/results`,
    (request) => {
      const view = requireView(request.params)
      const limit = bounded(request.query.limit, 'limit', 25, 1)
      const offset = bounded(request.query.offset, 'offset', 0, 0)
      const userId = request.session.userId
      const soql = listViewQuery(view, userId, recentIds(view, userId))
      const all = ctx.query(soql, { includeDeleted: false, apiVersion: request.apiVersion })
        .records as Record<string, unknown>[]
      const page = all.slice(offset, offset + limit)
      return {
        columns: listViewColumns(view),
        developerName: view.developerName,
        done: offset + page.length >= all.length,
        id: view.id,
        label: view.label,
        records: page.map((r) => ({
          columns: view.columns.map(({ field }) => ({
            fieldNameOrPath: field.name,
            value:
              r[field.name] === null || r[field.name] === undefined ? null : String(r[field.name]),
          })),
        })),
        size: all.length,
      }
    },
  )
}
