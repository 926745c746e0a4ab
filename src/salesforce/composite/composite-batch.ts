// `/composite/batch`: up to 25 independent subrequests run one after another, each committed on
// its own (salesforce-api.md §4.2). Each subrequest counts against the API limits.

import { ForcebridgeError } from '../../util/index.js'
import type { HttpMethod, Requester } from '../requester.js'

export interface BatchSubrequest {
  method: HttpMethod
  /** `sobjects/Account/001...`, `v66.0/...`, or `/services/data/v66.0/...`. */
  url: string
  richInput?: unknown
}

export interface BatchRequest {
  /** Stop at the first failure; later subrequests answer 412 BATCH_PROCESSING_HALTED. */
  haltOnError?: boolean
  requests: BatchSubrequest[]
}

export interface BatchSubresult<T = unknown> {
  status: number
  ok: boolean
  body: T
}

export interface BatchResult {
  hasErrors: boolean
  results: BatchSubresult[]
}

// Batch URLs are relative to /services/data/ and start with the version (v66.0/sobjects/...).
function batchUrl(apiVersion: string, url: string): string {
  const rest = url.replace(/^\/services\/data\//, '').replace(/^\/+/, '')
  return /^v\d+\.\d+\//.test(rest) ? rest : `v${apiVersion}/${rest}`
}

export async function compositeBatch(
  requester: Requester,
  request: BatchRequest,
): Promise<BatchResult> {
  const { requests } = request
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > 25) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `compositeBatch: ${requests?.length ?? 0} subrequests; Salesforce takes 1 to 25`,
    )
  }
  requests.forEach((r, i) => {
    if (typeof r.url !== 'string' || r.url === '')
      throw new ForcebridgeError('INVALID_INPUT', `compositeBatch: subrequest ${i} has no url`)
  })
  const res = await requester.request<{
    hasErrors: boolean
    results: Array<{ statusCode: number; result: unknown }>
  }>({
    method: 'POST',
    path: 'composite/batch',
    body: {
      haltOnError: request.haltOnError ?? false,
      batchRequests: requests.map((r) => ({ ...r, url: batchUrl(requester.apiVersion, r.url) })),
    },
  })
  if (!Array.isArray(res.body?.results))
    throw new ForcebridgeError(
      'UNEXPECTED_RESPONSE',
      'compositeBatch: the answer has no results array',
    )
  return {
    hasErrors: res.body.hasErrors,
    results: res.body.results.map((r) => ({
      status: r.statusCode,
      ok: r.statusCode >= 200 && r.statusCode < 300,
      body: r.result,
    })),
  }
}
