// `/composite`: up to 25 subrequests in one API call, later ones able to use earlier results
// through `@{referenceId.field}` (salesforce-api.md §4.1). Checked before sending.

import { ForcebridgeError } from '../../util/index.js'
import type { HttpMethod, Requester } from '../requester.js'

export interface CompositeSubrequest {
  method: HttpMethod
  /** `sobjects/Account` (put under /services/data/vNN.N) or a full `/services/data/...` path. */
  url: string
  referenceId: string
  body?: unknown
  httpHeaders?: Record<string, string>
}

export interface CompositeRequest {
  /** Roll every subrequest back when one fails. Default false. */
  allOrNone?: boolean
  /** Let Salesforce run independent subrequests in parallel (its default from API 49.0). */
  collateSubrequests?: boolean
  requests: CompositeSubrequest[]
}

export interface CompositeSubresult<T = unknown> {
  referenceId: string
  status: number
  ok: boolean
  body: T
  headers: Record<string, string>
}

export interface CompositeResult {
  /** True when every subrequest answered 2xx. */
  ok: boolean
  results: CompositeSubresult[]
  byReferenceId: Record<string, CompositeSubresult>
}

const MAX_SUBREQUESTS = 25
// Salesforce counts query and collections subrequests separately: at most 5 of the 25.
const MAX_QUERY_OR_COLLECTIONS = 5
const REFERENCE_ID = /^[A-Za-z][A-Za-z0-9_]*$/
const REFERENCE_USE = /@\{([A-Za-z][A-Za-z0-9_]*)[.[]/g

function fail(message: string): ForcebridgeError {
  return new ForcebridgeError('INVALID_INPUT', `composite: ${message}`)
}

export function dataPath(apiVersion: string, url: string): string {
  return url.startsWith('/services/')
    ? url
    : `/services/data/v${apiVersion}/${url.replace(/^\/+/, '')}`
}

function validate(requests: readonly CompositeSubrequest[]): void {
  if (!requests || requests.length === 0) throw fail('requests is empty')
  if (requests.length > MAX_SUBREQUESTS) {
    throw fail(
      `${requests.length} subrequests, more than Salesforce's ${MAX_SUBREQUESTS}; split them`,
    )
  }
  const seen = new Set<string>()
  let heavy = 0
  requests.forEach((r, i) => {
    if (!REFERENCE_ID.test(r.referenceId ?? ''))
      throw fail(`subrequest ${i} has an invalid referenceId ${JSON.stringify(r.referenceId)}`)
    if (seen.has(r.referenceId)) throw fail(`referenceId ${r.referenceId} is used twice`)
    if (typeof r.url !== 'string' || r.url === '')
      throw fail(`subrequest ${r.referenceId} has no url`)
    // A reference may only point back: Salesforce resolves them in order.
    const text = r.url + (r.body === undefined ? '' : JSON.stringify(r.body))
    for (const m of text.matchAll(REFERENCE_USE)) {
      if (!seen.has(m[1] as string))
        throw fail(
          `subrequest ${r.referenceId} refers to @{${m[1]}...}, which no earlier subrequest defines`,
        )
    }
    if (/(^|\/)(query|queryAll)(\/|\?|$)|composite\/sobjects/.test(r.url)) heavy++
    seen.add(r.referenceId)
  })
  if (heavy > MAX_QUERY_OR_COLLECTIONS) {
    throw fail(
      `${heavy} query or collections subrequests, more than Salesforce's ${MAX_QUERY_OR_COLLECTIONS}`,
    )
  }
}

/**
 * @example
 * await composite(client, { allOrNone: true, requests: [
 *   { method: 'POST', url: 'sobjects/Account', referenceId: 'acc', body: { Name: 'Acme' } },
 *   { method: 'POST', url: 'sobjects/Contact', referenceId: 'con', body: { LastName: 'Doe', AccountId: '@{acc.id}' } },
 * ] })
 */
export async function composite(
  requester: Requester,
  request: CompositeRequest,
): Promise<CompositeResult> {
  validate(request.requests)
  const body: Record<string, unknown> = {
    allOrNone: request.allOrNone ?? false,
    compositeRequest: request.requests.map((r) => ({
      ...r,
      url: dataPath(requester.apiVersion, r.url),
    })),
  }
  if (request.collateSubrequests !== undefined) body.collateSubrequests = request.collateSubrequests
  const res = await requester.request<{
    compositeResponse?: Array<{
      referenceId: string
      httpStatusCode: number
      body: unknown
      httpHeaders?: Record<string, string>
    }>
  }>({ method: 'POST', path: 'composite', body })
  const raw = res.body?.compositeResponse
  if (!Array.isArray(raw))
    throw new ForcebridgeError(
      'UNEXPECTED_RESPONSE',
      'composite: the answer has no compositeResponse array',
    )
  const results = raw.map((r) => ({
    referenceId: r.referenceId,
    status: r.httpStatusCode,
    ok: r.httpStatusCode >= 200 && r.httpStatusCode < 300,
    body: r.body,
    headers: r.httpHeaders ?? {},
  }))
  return {
    ok: results.every((r) => r.ok),
    results,
    byReferenceId: Object.fromEntries(results.map((r) => [r.referenceId, r])),
  }
}
