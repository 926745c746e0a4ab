// Data replication (`sobjects/{Type}/updated` and `/deleted`, salesforce-api.md; Salesforce's
// getUpdated/getDeleted): the ids changed or deleted between `start` and `end`, both taken
// to the minute. Deletions are the recycle bin's rows: a deleted row keeps its id and the
// time of its deletion (SystemModstamp) until it is hard-deleted.

import type { FastifyInstance } from 'fastify'
import { ApiError, type ObjectDef } from '../model/index.js'
import { formatDateTime, parseDateTime } from '../org/sf-datetime.js'
import type { EmulatorState } from '../server/emulator-state.js'

type Params = { type: string }
type Query = { start?: string; end?: string }

const MINUTE = 60_000
const DAY = 86_400_000
/** How far back each resource answers: 30 days for updated, 15 for deleted (REST guide). */
const WINDOW_DAYS = { updated: 30, deleted: 15 } as const

const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE

/** A query-string datetime; a `+` left unencoded arrives as a space and is read back. */
function readDate(name: 'start' | 'end', raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') {
    // [B] Salesforce's wording for a missing parameter is not documented.
    throw new ApiError(400, 'MISSING_ARGUMENT', `Missing required parameter: ${name}`)
  }
  const text = raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1')
  const parsed = parseDateTime(text)
  if (parsed === undefined) {
    throw new ApiError(
      400,
      'INVALID_DATE_FORMAT',
      `${name}: '${raw}' is not a valid date and time; use ISO 8601, e.g. 2024-05-01T00:00:00+00:00`,
    )
  }
  return Date.parse(parsed.replace('+0000', 'Z'))
}

function window(
  kind: 'updated' | 'deleted',
  q: Query,
  now: number,
): { start: number; end: number } {
  const start = floorMinute(readDate('start', q.start))
  // The end is covered up to the last whole minute, and never past now.
  const end = Math.min(floorMinute(readDate('end', q.end)), floorMinute(now))
  const rawEnd = floorMinute(readDate('end', q.end))
  // getDeleted needs more than a minute between start and end; getUpdated any interval.
  if (rawEnd <= start || (kind === 'deleted' && rawEnd - start < MINUTE)) {
    throw new ApiError(
      400,
      'INVALID_REPLICATION_DATE',
      'startDate must chronologically precede endDate by more than one minute',
    )
  }
  if (start < floorMinute(now) - WINDOW_DAYS[kind] * DAY) {
    throw new ApiError(
      400,
      'INVALID_REPLICATION_DATE',
      `startDate cannot be more than ${WINDOW_DAYS[kind]} days ago`,
    )
  }
  return { start, end }
}

const stampOf = (row: Record<string, unknown>): number =>
  typeof row.SystemModstamp === 'string'
    ? Date.parse(row.SystemModstamp.replace('+0000', 'Z'))
    : NaN

export function registerReplicationRoutes(app: FastifyInstance, state: EmulatorState): void {
  const store = state.store
  const base = '/services/data/:version/sobjects/:type'

  const requireType = (type: string): ObjectDef => {
    const obj = store.getObject(type)
    if (!obj) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
    return obj
  }

  app.get<{ Params: Params; Querystring: Query }>(`${base}/updated`, (request) => {
    const obj = requireType(request.params.type)
    const { start, end } = window('updated', request.query, state.now().getTime())
    const ids: string[] = []
    for (const row of store.rows(obj.name)) {
      const at = stampOf(row)
      if (!row.IsDeleted && at >= start && at < end) ids.push(row.Id)
    }
    return { ids, latestDateCovered: formatDateTime(new Date(end)) }
  })

  app.get<{ Params: Params; Querystring: Query }>(`${base}/deleted`, (request) => {
    const obj = requireType(request.params.type)
    const { start, end } = window('deleted', request.query, state.now().getTime())
    const deletedRecords: { id: string; deletedDate: string }[] = []
    for (const row of store.rows(obj.name)) {
      const at = stampOf(row)
      if (row.IsDeleted && at >= start && at < end)
        deletedRecords.push({ id: row.Id, deletedDate: String(row.SystemModstamp) })
    }
    deletedRecords.sort((a, b) => a.deletedDate.localeCompare(b.deletedDate))
    return {
      deletedRecords,
      // [B] Nothing is purged from the emulator's recycle bin, so the log reaches as far back
      // as the resource answers (a later date would tell replication clients to resync).
      earliestDateAvailable: formatDateTime(
        new Date(floorMinute(state.now().getTime()) - WINDOW_DAYS.deleted * DAY),
      ),
      latestDateCovered: formatDateTime(new Date(end)),
    }
  })
}
