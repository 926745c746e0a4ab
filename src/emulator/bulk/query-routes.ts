// The query half of Bulk API 2.0 under `/services/data/vNN.N/jobs/query`: create, job info,
// list, abort, delete, and results paged with Sforce-Locator and maxRecords (§6.2).

import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ApiError } from '../model/index.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import { readJsonBody } from '../server/read-json-body.js'
import { invalidJob, invalidJobState, jobFinder, listPage, sendJson } from './bulk-errors.js'
import { COLUMN_DELIMITERS, LINE_ENDINGS, csvLine } from './csv-format.js'
import { sfDateTime } from './ingest-job.js'
import { queryColumns, queryJobInfo, toRows, type QueryJob } from './query-job.js'
import { take } from './take-items.js'
import type { Timers } from './timers.js'

const BASE = '/services/data/:version/jobs/query'

/** Result rows a query job stores per timer step (about a second of work). */
const ROWS_PER_STEP = 50_000

/**
 * Rows per results page when the caller sends no maxRecords. Salesforce documents no number
 * ("as many rows as can be listed"); it splits a large result into chunks of 100,000 to
 * 250,000 records ([C: SF-Bulk "Chunking Query Jobs"]), and a client that read only the
 * first page of 500,000 contacts got about 250,000 ([C-3p: forcedotcom/cli#1759]).
 */
export const DEFAULT_PAGE_SIZE = 250_000

/** Locators are opaque strings such as `MTAwMDA` from API 49.0, plain numbers before. */
function encodeLocator(offset: number, apiVersion: string): string {
  return Number(apiVersion) >= 49
    ? Buffer.from(String(offset)).toString('base64url')
    : String(offset)
}

const createSchema = z.object({
  operation: z.enum(['query', 'queryAll']).optional(),
  query: z.string().min(1),
  contentType: z.literal('CSV').optional(),
  lineEnding: z.enum(Object.keys(LINE_ENDINGS) as ['LF', 'CRLF']).optional(),
  columnDelimiter: z
    .enum(
      Object.keys(COLUMN_DELIMITERS) as ['COMMA', 'TAB', 'PIPE', 'SEMICOLON', 'CARET', 'BACKQUOTE'],
    )
    .optional(),
})

type IdParams = { version: string; id: string }

/** `JobComplete` → `JOB_COMPLETE`, the spelling of the 412 message. */
const upperSnake = (state: string) => state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()

function decodeLocator(locator: string | undefined, total: number, apiVersion: string): number {
  if (locator === undefined || locator === '') return 0
  const offset = Number(
    Number(apiVersion) >= 49 ? Buffer.from(locator, 'base64url').toString('utf8') : locator,
  )
  if (
    !/^[A-Za-z0-9_-]+$/.test(locator) ||
    !Number.isInteger(offset) ||
    offset < 0 ||
    offset > total
  ) {
    throw new ApiError(
      400,
      'INVALID_LOCATOR',
      `The locator ${locator} is not one this job issued; start again without a locator.`,
    )
  }
  return offset
}

export function registerQueryRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  jobs: Map<string, QueryJob>,
  timers: Timers,
  pageSize = DEFAULT_PAGE_SIZE,
): void {
  const find = jobFinder(jobs)
  const json = sendJson
  const stamp = (job: QueryJob) => {
    job.systemModstamp = sfDateTime(ctx.now())
  }

  const run = (job: QueryJob) => {
    if (job.state !== 'UploadComplete') return
    job.state = 'InProgress'
    stamp(job)
    // The records become CSV lines in the result store as the query reads them (a full
    // export is never held in the heap), ROWS_PER_STEP per timer step, so that a query job
    // over millions of records never keeps the server from answering other calls.
    let lines: Iterator<string> | undefined
    const step = () => {
      if (job.state !== 'InProgress') {
        // Aborted meanwhile: what it stored so far is of no use, nor the query's own sorted
        // set (a large ORDER BY), which closing the reader drops.
        lines?.return?.(undefined)
        if (job.result) ctx.results.drop(job.result.set)
        job.result = undefined
        return
      }
      const started = Date.now()
      try {
        if (lines === undefined) {
          const result = ctx.queryStream(job.query, {
            includeDeleted: job.operation === 'queryAll',
            apiVersion: job.apiVersion,
          })
          lines = (function* () {
            for (const cells of toRows(result.records, job.columns)) yield csvLine(cells, job)
          })()
          job.result = { set: ctx.results.open(), size: 0 }
        }
        const result = job.result!
        const added = ctx.results.append(result.set, take(lines, ROWS_PER_STEP), result.size)
        result.size += added
        if (added < ROWS_PER_STEP) job.state = 'JobComplete'
        else timers.later(step)
      } catch (err) {
        // A refused query fails the job; so does a fault of the emulator, which must not
        // escape a timer and bring the server down.
        job.state = 'Failed'
        job.errorMessage =
          err instanceof ApiError
            ? `${err.errorCode} : ${err.message}`
            : `UNKNOWN_EXCEPTION : ${err instanceof Error ? err.message : String(err)}`
        if (job.result) ctx.results.drop(job.result.set)
        job.result = undefined
      }
      job.processingMs += Date.now() - started
      stamp(job)
    }
    timers.later(step)
  }

  app.post(BASE, async (request, reply) => {
    const parsed = createSchema.safeParse(readJsonBody(request.body))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw invalidJob(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
    }
    const spec = parsed.data
    const { object, columns } = queryColumns(spec.query)
    const obj = ctx.org.getObject(object)
    if (obj === undefined) {
      throw new ApiError(400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`)
    }
    const now = sfDateTime(ctx.now())
    const job: QueryJob = {
      id: ctx.newId('750'),
      operation: spec.operation ?? 'query',
      object: obj.name,
      query: spec.query,
      apiVersion: request.apiVersion,
      createdById: request.session.userId,
      createdDate: now,
      systemModstamp: now,
      state: 'UploadComplete',
      errorMessage: null,
      columnDelimiter: spec.columnDelimiter ?? 'COMMA',
      lineEnding: spec.lineEnding ?? 'LF',
      columns,
      result: undefined,
      processingMs: 0,
    }
    jobs.set(job.id, job)
    timers.later(() => run(job))
    return json(reply, 200, queryJobInfo(job))
  })

  app.get<{ Querystring: { queryLocator?: string } }>(BASE, async (request, reply) => {
    const all = [...jobs.values()].map(queryJobInfo)
    return json(
      reply,
      200,
      listPage(
        all,
        request.query.queryLocator,
        (loc) => `/services/data/v${request.apiVersion}/jobs/query?queryLocator=${loc}`,
      ),
    )
  })

  app.get<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) =>
    json(reply, 200, queryJobInfo(find(request.params.id))),
  )

  app.patch<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) => {
    const job = find(request.params.id)
    const target = (readJsonBody(request.body) as { state?: unknown } | null)?.state
    if (target !== 'Aborted') {
      throw invalidJobState(
        `Unknown or disallowed state ${JSON.stringify(target)}: a query job can only be set to Aborted.`,
      )
    }
    if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') {
      const label = job.state === 'JobComplete' ? 'Completed' : job.state
      throw invalidJobState(`Aborting already ${label} Job not allowed`)
    }
    job.state = 'Aborted'
    stamp(job)
    return json(reply, 200, queryJobInfo(job))
  })

  app.delete<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) => {
    const job = find(request.params.id)
    if (job.state === 'InProgress') {
      throw invalidJobState(
        `Job ${job.id} is InProgress: abort it or wait until it ends before deleting it.`,
      )
    }
    job.state = 'Aborted'
    jobs.delete(job.id)
    if (job.result) ctx.results.drop(job.result.set)
    job.result = undefined
    return reply.code(204).send()
  })

  app.get<{ Params: IdParams; Querystring: { locator?: string; maxRecords?: string } }>(
    `${BASE}/:id/results`,
    async (request, reply) => {
      const job = find(request.params.id)
      if (request.apiVersion !== job.apiVersion) {
        // Results must be read with the API version that created the job ([C: SF-Bulk]).
        throw new ApiError(
          409,
          'INVALIDVERSION',
          `Job ${job.id} was created with API version ${job.apiVersion}; read its results with /services/data/v${job.apiVersion}/.`,
        )
      }
      if (job.state !== 'JobComplete') {
        throw new ApiError(
          412,
          'JOB_NOT_COMPLETE',
          `can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: ${upperSnake(job.state)}`,
        )
      }
      const { maxRecords } = request.query
      const size = maxRecords === undefined ? pageSize : Number(maxRecords)
      if (!Number.isInteger(size) || size <= 0) {
        throw new ApiError(
          400,
          'INVALIDPARAMETER',
          `maxRecords must be a positive whole number; got ${maxRecords}.`,
        )
      }
      const total = job.result?.size ?? 0
      const offset = decodeLocator(request.query.locator, total, job.apiVersion)
      const end = Math.min(total, offset + size)
      // The literal `null` says there is no more.
      const next = end < total ? encodeLocator(end, job.apiVersion) : 'null'
      const header = csvLine(job.columns, job)
      const rows = job.result
        ? ctx.results.chunks(job.result.set, offset, end - offset)
        : [].values()
      // Streamed from the result store as the client reads it (backpressure included).
      const body = Readable.from(
        (function* () {
          yield header
          yield* rows
        })(),
      )
      return reply
        .code(200)
        .header('Sforce-Locator', next)
        .header('Sforce-NumberOfRecords', String(end - offset))
        .type('text/csv')
        .send(body)
    },
  )
}
