// Query endpoints (salesforce-api.md §3): `/query`, `/queryAll` and `/query/<locator>`.
// The SOQL engine (`../soql`) selects the records; this file pages them into locators.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from '../model/index.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import type { EmulatorState } from '../server/emulator-state.js'

const MAX_PAGE = 2000
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

export function registerQueryRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  ctx: EmulatorContext,
): void {
  const run = (
    request: FastifyRequest<{ Querystring: { q?: string } }>,
    includeDeleted: boolean,
  ) => {
    const q = request.query.q
    if (q === undefined || q.trim() === '') {
      // [B] Salesforce's wording for a missing `q`.
      throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
    }
    const result = ctx.query(q, { includeDeleted, apiVersion: request.apiVersion })
    return state.locators.firstPage(result, pageSize(request), request.apiVersion)
  }

  app.get<{ Querystring: { q?: string } }>('/services/data/:version/query', (request) =>
    run(request, false),
  )
  app.get<{ Querystring: { q?: string } }>('/services/data/:version/queryAll', (request) =>
    run(request, true),
  )

  const more = (request: FastifyRequest<{ Params: { locator: string } }>) =>
    state.locators.next(request.params.locator, request.apiVersion)
  app.get('/services/data/:version/query/:locator', more)
  app.get('/services/data/:version/queryAll/:locator', more)
}
