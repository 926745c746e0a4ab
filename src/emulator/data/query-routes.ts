// Query endpoints (salesforce-api.md §3): `/query`, `/queryAll` and `/query/<locator>`, with
// `columns=true` (column metadata) and `/query?explain=` (query plans). The SOQL engine
// (`../soql`) selects the records; this file pages them into locators.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from '../model/index.js'
import { explainQuery, queryColumns } from '../soql/index.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import type { EmulatorState } from '../server/emulator-state.js'

/** Records in a REST query page: the default, and the most `batchSize` may ask for. */
export const MAX_PAGE = 2000
const MIN_PAGE = 200

/**
 * The page size from `Sforce-Query-Options: batchSize=N`. Salesforce treats it as a hint;
 * the emulator honours it exactly (clamped to 200..2000) so tests are deterministic.
 */
export function pageSize(request: FastifyRequest): number {
  const header = request.headers['sforce-query-options']
  const m = typeof header === 'string' ? /batchSize\s*=\s*(\d+)/i.exec(header) : null
  if (!m) return MAX_PAGE
  return Math.min(MAX_PAGE, Math.max(MIN_PAGE, Number(m[1])))
}

interface QueryParams {
  q?: string
  columns?: string
  explain?: string
}

/** Query Performance Feedback: `?explain=` takes a SOQL query, or a report or list view id. */
function explainer(state: EmulatorState) {
  return (explain: string) => {
    if (/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(explain.trim())) {
      // Salesforce answers INVALID_ID for an unknown report or list view; the emulator has none.
      throw new ApiError(
        400,
        'INVALID_ID',
        `The emulator has no report or list view ${explain.trim()}; explain a SOQL query instead.`,
      )
    }
    if (explain.trim() === '') {
      throw new ApiError(400, 'MALFORMED_QUERY', 'explain needs a SOQL query to analyze')
    }
    return explainQuery(state.store, explain, state.now())
  }
}

export function registerQueryRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  ctx: EmulatorContext,
): void {
  const explainFor = explainer(state)
  const run = (request: FastifyRequest<{ Querystring: QueryParams }>, includeDeleted: boolean) => {
    const q = request.query.q
    if (q === undefined || q.trim() === '') {
      // [B] Salesforce's wording for a missing `q`.
      throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
    }
    // `columns=true` describes the columns without running the query (used by CLIs).
    if (request.query.columns === 'true') return queryColumns(state.store, q)
    const result = ctx.queryStream(q, { includeDeleted, apiVersion: request.apiVersion })
    return state.locators.firstPage(result, pageSize(request), request.apiVersion)
  }

  app.get<{ Querystring: QueryParams }>('/services/data/:version/query', (request) => {
    const { explain } = request.query
    if (explain === undefined) return run(request, false)
    return explainFor(explain)
  })
  app.get<{ Querystring: QueryParams }>('/services/data/:version/queryAll', (request) =>
    run(request, true),
  )

  const more = (request: FastifyRequest<{ Params: { locator: string } }>) =>
    state.locators.next(request.params.locator, request.apiVersion)
  app.get('/services/data/:version/query/:locator', more)
  app.get('/services/data/:version/queryAll/:locator', more)
}
