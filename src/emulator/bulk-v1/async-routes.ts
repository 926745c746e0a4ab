// Bulk API 1.0 under `/services/async/<version>/`: jobs (create, info, close, abort), batches
// (add, list, info, request), and results, in the job's CSV, JSON or XML ([C: SF-Bulk1]).
// The server's guard has already checked `X-SFDC-Session`, counted the call and injected faults.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { OLDEST_VERSION, NEWEST_VERSION } from '../data/api-versions.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import { AsyncApiError, requestFormat, sendAsyncError, type WireFormat } from './async-error.js'
import {
  asyncDateTime,
  batchInfo,
  batchListBody,
  CONTENT_TYPES,
  infoBody,
  jobInfo,
  OPERATIONS,
  type AsyncBatch,
  type AsyncContentType,
  type AsyncJob,
} from './async-job.js'
import { BatchData } from './batch-data.js'
import { CONTENT_TYPE, ingestResults, resultList, resultSet } from './batch-results.js'
import type { BatchRunner } from './batch-runner.js'
import { readJobSpec } from './job-spec.js'

const BASE = '/services/async/:version/job'

type Params = { version: string; jobId: string; batchId: string; resultId: string }
type Req = FastifyRequest<{ Params: Params }>

const isQuery = (job: AsyncJob) => job.operation === 'query' || job.operation === 'queryAll'

/** `62.0` for a path segment `62.0`; Bulk 1.0's paths carry the version without a `v`. */
function versionOf(segment: string): string {
  const m = /^(\d+)\.0$/.exec(segment)
  const major = m ? Number(m[1]) : NaN
  if (!(major >= OLDEST_VERSION && major <= NEWEST_VERSION)) {
    throw new AsyncApiError(
      400,
      'InvalidUrl',
      `Unsupported API version ${segment}: use one from ${OLDEST_VERSION}.0 to ${NEWEST_VERSION}.0.`,
    )
  }
  return `${major}.0`
}

export interface BulkV1Limits {
  /** True when the day's DailyBulkApiBatches are spent. */
  exhausted(): boolean
  count(): void
}

export function registerAsyncRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  jobs: Map<string, AsyncJob>,
  runner: BatchRunner,
  batches: BulkV1Limits,
): void {
  const findJob = (request: Req): AsyncJob => {
    const version = versionOf(request.params.version)
    const job = jobs.get(request.params.jobId)
    if (job === undefined) {
      throw new AsyncApiError(400, 'InvalidJob', `Invalid job id: ${request.params.jobId}`)
    }
    if (job.apiVersion !== version) {
      // "The API version in the URI for all batch operations must match the job's."
      throw new AsyncApiError(
        400,
        'InvalidJob',
        `Job ${job.id} was created with API version ${job.apiVersion}; use /services/async/${job.apiVersion}/.`,
      )
    }
    return job
  }
  const findBatch = (request: Req): { job: AsyncJob; batch: AsyncBatch } => {
    const job = findJob(request)
    const batch = job.batches.find((b) => b.id === request.params.batchId)
    if (batch === undefined) {
      throw new AsyncApiError(400, 'InvalidBatch', `Invalid batch id: ${request.params.batchId}`)
    }
    return { job, batch }
  }
  const send = (reply: FastifyReply, status: number, format: WireFormat, body: string) =>
    reply
      .code(status)
      .type(format === 'JSON' ? 'application/json' : 'application/xml')
      .send(body)
  /** Runs a handler and answers its AsyncApiError in Bulk 1.0's shape and the job's format. */
  const handle =
    (fn: (request: Req, reply: FastifyReply) => FastifyReply) =>
    async (request: Req, reply: FastifyReply) => {
      try {
        return fn(request, reply)
      } catch (err) {
        if (!(err instanceof AsyncApiError)) throw err
        const job = request.params.jobId === undefined ? undefined : jobs.get(request.params.jobId)
        return sendAsyncError(reply, requestFormat(request, job?.contentType), err)
      }
    }

  app.post(
    BASE,
    handle((request, reply) => {
      const version = versionOf(request.params.version)
      const format = requestFormat(request)
      const spec = readJobSpec(request.body, format)
      const operation = OPERATIONS.find((o) => o === spec.operation)
      if (operation === undefined) {
        throw new AsyncApiError(
          400,
          'InvalidJob',
          `Invalid operation: ${spec.operation ?? '(none)'}; use one of ${OPERATIONS.join(', ')} (lower case, as written).`,
        )
      }
      const obj = spec.object === undefined ? undefined : ctx.org.getObject(spec.object)
      if (obj === undefined) {
        throw new AsyncApiError(400, 'InvalidJob', `Unable to find object: ${spec.object ?? ''}`)
      }
      // Salesforce's default content type for Bulk API 1.0 batches is XML.
      const contentType = (spec.contentType ?? 'XML') as AsyncContentType
      if (!CONTENT_TYPES.includes(contentType)) {
        throw new AsyncApiError(
          400,
          'InvalidJob',
          `Unsupported content type ${contentType}: the emulator takes CSV, JSON and XML.`,
        )
      }
      if (operation === 'upsert' && !spec.externalIdFieldName) {
        throw new AsyncApiError(400, 'InvalidJob', 'External ID was blank for an upsert job')
      }
      if (spec.externalIdFieldName && operation === 'upsert') {
        const field = obj.fields.find(
          (f) => f.name.toLowerCase() === spec.externalIdFieldName!.toLowerCase(),
        )
        if (field === undefined || !(field.externalId || field.name === 'Id')) {
          throw new AsyncApiError(
            400,
            'InvalidJob',
            `Field ${spec.externalIdFieldName} is not an external id field of ${obj.name}`,
          )
        }
      }
      const now = asyncDateTime(ctx.now())
      const job: AsyncJob = {
        id: ctx.newId('750'),
        operation: operation,
        object: obj.name,
        createdById: request.session.userId,
        createdDate: now,
        systemModstamp: now,
        state: 'Open',
        externalIdFieldName: operation === 'upsert' ? (spec.externalIdFieldName ?? null) : null,
        concurrencyMode: spec.concurrencyMode === 'Serial' ? 'Serial' : 'Parallel',
        contentType,
        apiVersion: version,
        batches: [],
      }
      jobs.set(job.id, job)
      return send(reply, 201, format, infoBody('jobInfo', jobInfo(job), format))
    }),
  )

  app.get(
    `${BASE}/:jobId`,
    handle((request, reply) => {
      const job = findJob(request)
      const format = requestFormat(request, job.contentType)
      return send(reply, 200, format, infoBody('jobInfo', jobInfo(job), format))
    }),
  )

  app.post(
    `${BASE}/:jobId`,
    handle((request, reply) => {
      const job = findJob(request)
      const format = requestFormat(request, job.contentType)
      const spec = readJobSpec(request.body, requestFormat(request))
      if (spec.state === 'Closed') {
        if (job.state !== 'Open') {
          throw new AsyncApiError(400, 'InvalidJobState', `Job ${job.id} is ${job.state}, not Open`)
        }
        job.state = 'Closed'
      } else if (spec.state === 'Aborted') {
        if (job.state === 'Aborted' || job.state === 'Failed') {
          throw new AsyncApiError(400, 'InvalidJobState', `Job ${job.id} is already ${job.state}`)
        }
        job.state = 'Aborted'
        // Batches not yet started are never processed.
        for (const b of job.batches) {
          if (b.state === 'Queued') {
            b.state = 'NotProcessed'
            b.systemModstamp = asyncDateTime(ctx.now())
          }
        }
      } else {
        throw new AsyncApiError(
          400,
          'InvalidJobState',
          `Unknown or disallowed state ${spec.state ?? '(none)'}: set Closed or Aborted.`,
        )
      }
      job.systemModstamp = asyncDateTime(ctx.now())
      return send(reply, 200, format, infoBody('jobInfo', jobInfo(job), format))
    }),
  )

  app.post(
    `${BASE}/:jobId/batch`,
    handle((request, reply) => {
      const job = findJob(request)
      const format = requestFormat(request, job.contentType)
      if (job.state !== 'Open') {
        throw new AsyncApiError(
          400,
          'InvalidJobState',
          `Job ${job.id} is ${job.state}: batches can be added to an Open job only.`,
        )
      }
      // Every batch counts against the rolling 24-hour DailyBulkApiBatches allocation.
      if (batches.exhausted()) {
        throw new AsyncApiError(
          400,
          'ExceededQuota',
          'The daily Bulk API batch allocation (DailyBulkApiBatches) is spent; try again later.',
        )
      }
      const body = typeof request.body === 'string' ? request.body : ''
      if (body.trim() === '') {
        throw new AsyncApiError(400, 'InvalidBatch', 'The batch has no data.')
      }
      batches.count()
      const now = asyncDateTime(ctx.now())
      const batch: AsyncBatch = {
        id: ctx.newId('751'),
        jobId: job.id,
        state: 'Queued',
        stateMessage: null,
        createdDate: now,
        systemModstamp: now,
        data: new BatchData(ctx.results, body),
        numberRecordsProcessed: 0,
        numberRecordsFailed: 0,
        processingMs: 0,
        stored: undefined,
        resultSets: new Map(),
        columns: [],
      }
      job.batches.push(batch)
      runner.start(job, batch)
      return send(reply, 201, format, infoBody('batchInfo', batchInfo(batch), format))
    }),
  )

  app.get(
    `${BASE}/:jobId/batch`,
    handle((request, reply) => {
      const job = findJob(request)
      const format = requestFormat(request, job.contentType)
      return send(reply, 200, format, batchListBody(job, format))
    }),
  )

  app.get(
    `${BASE}/:jobId/batch/:batchId`,
    handle((request, reply) => {
      const { job, batch } = findBatch(request)
      const format = requestFormat(request, job.contentType)
      return send(reply, 200, format, infoBody('batchInfo', batchInfo(batch), format))
    }),
  )

  app.get(
    `${BASE}/:jobId/batch/:batchId/request`,
    handle((request, reply) => {
      const { job, batch } = findBatch(request)
      const type = isQuery(job) ? 'text/plain' : CONTENT_TYPE[job.contentType]
      return reply.code(200).type(type).send(batch.data.request())
    }),
  )

  app.get(
    `${BASE}/:jobId/batch/:batchId/result`,
    handle((request, reply) => {
      const { job, batch } = findBatch(request)
      const wrote = batch.state === 'Failed' && batch.numberRecordsProcessed > 0
      if (batch.state !== 'Completed' && !wrote) {
        throw new AsyncApiError(400, 'InvalidBatch', 'Batch not completed')
      }
      if (isQuery(job)) {
        const format = job.contentType === 'JSON' ? 'JSON' : 'XML'
        return send(reply, 200, format, resultList(batch, format))
      }
      return reply
        .code(200)
        .type(CONTENT_TYPE[job.contentType])
        .send(ingestResults(batch.data.results(), job.contentType))
    }),
  )

  app.get(
    `${BASE}/:jobId/batch/:batchId/result/:resultId`,
    handle((request, reply) => {
      const { job, batch } = findBatch(request)
      const range = batch.resultSets.get(request.params.resultId)
      if (!isQuery(job) || range === undefined) {
        throw new AsyncApiError(
          400,
          'InvalidBatch',
          `Invalid result id: ${request.params.resultId}`,
        )
      }
      return reply
        .code(200)
        .type(CONTENT_TYPE[job.contentType])
        .send(resultSet(batch, range, job.contentType, ctx.results))
    }),
  )

  // Any other path under /services/async/ (after the session check) is Bulk 1.0's InvalidUrl.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/services/async/*',
    handler: handle(() => {
      throw new AsyncApiError(400, 'InvalidUrl', 'Not a Bulk API 1.0 resource: check the URI.')
    }),
  })
}
