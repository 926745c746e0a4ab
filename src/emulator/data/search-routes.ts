// SOSL search endpoints (salesforce-api.md §3): `/search?q=FIND ...` and
// `/parameterizedSearch` (GET with query parameters, POST with a JSON body).

import type { FastifyInstance } from 'fastify'
import { ApiError, type OrgReader } from '../model/index.js'
import { display } from '../org/coerce-value.js'
import { readJsonObject } from '../server/read-json-body.js'
import { runParameterizedSearch, runSearch } from '../soql/index.js'

/** Up to API 36.0 `/search` answered a bare array; from 37.0 `{"searchRecords": [...]}`. */
const WRAPPED_FROM = 37

type Params = Record<string, string | string[]>

/** The POST body's JSON form, flattened to the GET parameters the engine reads. */
function flattenBody(body: Record<string, unknown>): Params {
  const out: Params = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === 'sobjects' && Array.isArray(value)) {
      const names: string[] = []
      for (const entry of value as Record<string, unknown>[]) {
        const name = typeof entry.name === 'string' ? entry.name : undefined
        if (!name) continue
        names.push(name)
        if (Array.isArray(entry.fields))
          out[`${name}.fields`] = (entry.fields as unknown[]).map(String).join(',')
        if (entry.limit !== undefined) out[`${name}.limit`] = display(entry.limit)
        if (typeof entry.where === 'string') out[`${name}.where`] = entry.where
      }
      out.sobject = names
    } else if (Array.isArray(value)) out[key] = (value as unknown[]).map(String).join(',')
    else if (value !== null && typeof value !== 'object') out[key] = display(value)
  }
  return out
}

export function registerSearchRoutes(app: FastifyInstance, org: OrgReader): void {
  app.get<{ Querystring: { q?: string } }>('/services/data/:version/search', (request) => {
    const q = request.query.q
    if (q === undefined || q.trim() === '') {
      throw new ApiError(
        400,
        'MALFORMED_SEARCH',
        'No search term found. The search term must be at least 2 characters long.',
      )
    }
    const result = runSearch(org, q, { apiVersion: request.apiVersion })
    return Number(request.apiVersion) >= WRAPPED_FROM ? result : result.searchRecords
  })

  app.get('/services/data/:version/parameterizedSearch', (request) =>
    runParameterizedSearch(org, request.query as Params, { apiVersion: request.apiVersion }),
  )
  app.post('/services/data/:version/parameterizedSearch', (request) =>
    runParameterizedSearch(org, flattenBody(readJsonObject(request.body)), {
      apiVersion: request.apiVersion,
    }),
  )
}
