// `POST /composite/batch`: up to 25 independent subrequests run one after another, each
// committing on its own and each counted against the API limits; `haltOnError` answers 412
// BATCH_PROCESSING_HALTED for everything after the first failure (salesforce-api.md §4.2).

import { z } from 'zod'
import { ApiError } from '../model/index.js'
import type { Reply } from './reply.js'

export const MAX_BATCH_SUBREQUESTS = 25

export interface BatchEnv {
  dispatch(sub: { method: string; url: string; body?: unknown }): Promise<Reply>
  /** Counts one API call against the org's daily limit. */
  countCall(): void
}

const batchSchema = z.object({
  haltOnError: z.boolean().optional(),
  batchRequests: z
    .array(
      z.object({
        method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']),
        url: z.string().min(1),
        richInput: z.unknown().optional(),
      }),
    )
    .min(1),
})

/** Batch URLs are relative to /services/data/ (`v60.0/sobjects/Account/001…`). */
function absolute(url: string): string {
  if (url.startsWith('/services/data/')) return url
  return `/services/data/${url.replace(/^\/+/, '')}`
}

export async function runBatch(env: BatchEnv, body: unknown): Promise<Reply> {
  const parsed = batchSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    // A syntax error in the batch is a top-level 400 and nothing runs.
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Invalid batch request at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'malformed'}. Send {"batchRequests":[{"method","url"}...]}.`,
    )
  }
  const { haltOnError, batchRequests } = parsed.data
  if (batchRequests.length > MAX_BATCH_SUBREQUESTS) {
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `A batch may have at most ${MAX_BATCH_SUBREQUESTS} subrequests; this one has ${batchRequests.length}.`,
    )
  }
  const results: { statusCode: number; result: unknown }[] = []
  let failed = false
  for (const [i, sub] of batchRequests.entries()) {
    if (failed && haltOnError === true) {
      results.push({
        statusCode: 412,
        result: [
          { errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' },
        ],
      })
      continue
    }
    // Each subrequest counts against the limits; the batch call itself was counted once
    // already, and stands for the first subrequest ([B]: Salesforce's exact count).
    if (i > 0) env.countCall()
    const url = absolute(sub.url)
    const reply = await env.dispatch(
      sub.richInput === undefined
        ? { method: sub.method, url }
        : { method: sub.method, url, body: sub.richInput },
    )
    if (reply.status >= 400) failed = true
    results.push({ statusCode: reply.status, result: reply.body ?? null })
  }
  return { status: 200, body: { hasErrors: results.some((r) => r.statusCode >= 400), results } }
}
