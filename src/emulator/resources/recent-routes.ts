// `/recent` (the user's recently viewed records) and `/limits/recordCount` (record counts
// per object, as Setup's storage usage shows them).

import type { FastifyInstance } from 'fastify'
import { ApiError, type RecordRow } from '../model/index.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { recordUrl } from '../data/record-output.js'

/** What `/recent` shows of a record: its id and name (salesforce-api.md, Recently Viewed). */
export function recentEntry(
  state: EmulatorState,
  objectName: string,
  row: RecordRow,
  version: string,
): Record<string, unknown> {
  const obj = state.store.getObject(objectName)!
  const nameField = obj.fields.find((f) => f.nameField)?.name
  const out: Record<string, unknown> = {
    attributes: { type: obj.name, url: recordUrl(obj.name, row.Id, version) },
    Id: row.Id,
  }
  if (nameField) out[nameField] = row[nameField] ?? null
  return out
}

export function registerRecentRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Querystring: { limit?: string } }>('/services/data/:version/recent', (request) => {
    const raw = request.query.limit
    const limit = raw === undefined ? 200 : Number(raw)
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ApiError(
        400,
        'INVALID_QUERY_FILTER_OPERATOR',
        `limit must be a positive integer: ${raw}`,
      )
    }
    const out: Record<string, unknown>[] = []
    for (const item of state.recent.list(request.session.userId)) {
      if (out.length >= limit) break
      const row = state.store.getRow(item.objectName, item.id)
      if (row && !row.IsDeleted)
        out.push(recentEntry(state, item.objectName, row, request.apiVersion))
    }
    return out
  })

  app.get<{ Querystring: { sObjects?: string } }>(
    '/services/data/:version/limits/recordCount',
    (request) => {
      const wanted = request.query.sObjects
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      const objects =
        wanted === undefined || wanted.length === 0
          ? state.store.objects()
          : wanted.flatMap((n) => state.store.getObject(n) ?? [])
      // Counted in SQL: reading every row to count it would take seconds at millions.
      const sObjects = objects.map((o) => ({ count: state.store.count(o.name), name: o.name }))
      // [B] Without a list, objects that hold no records are left out; unknown names are
      // ignored.
      return {
        sObjects:
          wanted === undefined || wanted.length === 0
            ? sObjects.filter((s) => s.count > 0)
            : sObjects,
      }
    },
  )
}
