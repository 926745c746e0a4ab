// The ingest half of Bulk API 2.0 under `/services/data/vNN.N/jobs/ingest`: create, upload
// CSV, close or abort, job info, list, delete, and the three result files (§6.1).

import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { EmulatorContext } from '../server/emulator-context.js'
import { readJsonBody } from '../server/read-json-body.js'
import { invalidJob, invalidJobState, jobFinder, listPage, sendJson } from './bulk-errors.js'
import { COLUMN_DELIMITERS, LINE_ENDINGS, csvLine } from './csv-format.js'
import { IngestData } from './ingest-data.js'
import { INGEST_OPERATIONS, ingestJobInfo, sfDateTime, type IngestJob } from './ingest-job.js'
import type { IngestProcessor } from './ingest-processor.js'

const BASE = '/services/data/:version/jobs/ingest'

const createSchema = z.object({
  object: z.string().min(1),
  operation: z.enum(INGEST_OPERATIONS),
  externalIdFieldName: z.string().min(1).optional(),
  contentType: z.literal('CSV').optional(),
  lineEnding: z.enum(Object.keys(LINE_ENDINGS) as ['LF', 'CRLF']).optional(),
  columnDelimiter: z
    .enum(
      Object.keys(COLUMN_DELIMITERS) as ['COMMA', 'TAB', 'PIPE', 'SEMICOLON', 'CARET', 'BACKQUOTE'],
    )
    .optional(),
  assignmentRuleId: z.string().optional(),
})

const FINISHED = new Set(['JobComplete', 'Failed', 'Aborted'])

type IdParams = { version: string; id: string }

/** A result file, streamed from the job's data on disk as it is read (ingest-data.ts). */
function results(job: IngestJob, kind: 'successful' | 'failed' | 'unprocessed'): Readable {
  const data = job.upload
  if (kind === 'unprocessed') return Readable.from(data?.unprocessed(job.next) ?? [])
  if (data !== null) return Readable.from(data.results(kind, job.columns))
  // No upload: the header alone.
  const head = kind === 'successful' ? 'sf__Created' : 'sf__Error'
  return Readable.from([csvLine(['sf__Id', head], job)])
}

export function registerIngestRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  jobs: Map<string, IngestJob>,
  processor: IngestProcessor,
): void {
  const find = jobFinder(jobs)
  const json = sendJson

  app.post(BASE, async (request, reply) => {
    const parsed = createSchema.safeParse(readJsonBody(request.body))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw invalidJob(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
    }
    const spec = parsed.data
    const obj = ctx.org.getObject(spec.object)
    if (obj === undefined) {
      // Salesforce's Bulk API names an unknown object this way ([B] for the 2.0 wording).
      throw invalidJob(`Entity '${spec.object}' is not supported by the Bulk API.`)
    }
    let externalIdFieldName: string | null = null
    if (spec.operation === 'upsert') {
      const name = spec.externalIdFieldName
      const field =
        name === undefined
          ? undefined
          : obj.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
      if (field === undefined || !(field.externalId || field.name === 'Id')) {
        throw invalidJob(
          `Upsert needs externalIdFieldName naming an external id field of ${obj.name} (or Id); got ${name ?? 'none'}.`,
        )
      }
      externalIdFieldName = field.name
    }
    const now = sfDateTime(ctx.now())
    const job: IngestJob = {
      id: ctx.newId('750'),
      object: obj.name,
      operation: spec.operation,
      externalIdFieldName,
      apiVersion: request.apiVersion,
      createdById: request.session.userId,
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      errorMessage: null,
      columnDelimiter: spec.columnDelimiter ?? 'COMMA',
      lineEnding: spec.lineEnding ?? 'LF',
      upload: null,
      columns: [],
      rowCount: 0,
      next: 0,
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      processingMs: 0,
    }
    jobs.set(job.id, job)
    return json(reply, 200, ingestJobInfo(job))
  })

  app.get<{ Querystring: { queryLocator?: string } }>(BASE, async (request, reply) => {
    const all = [...jobs.values()].map(ingestJobInfo)
    const page = listPage(
      all,
      request.query.queryLocator,
      (loc) => `/services/data/v${request.apiVersion}/jobs/ingest?queryLocator=${loc}`,
    )
    return json(reply, 200, page)
  })

  app.get<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) =>
    json(reply, 200, ingestJobInfo(find(request.params.id))),
  )

  app.put<{ Params: IdParams }>(`${BASE}/:id/batches`, async (request, reply) => {
    const job = find(request.params.id)
    if (job.state !== 'Open') {
      throw invalidJobState(
        `Job ${job.id} is ${job.state}: data can be uploaded only while the job is Open.`,
      )
    }
    if (job.upload !== null) {
      // Salesforce accepts one upload per job ([B]); create another job for more data.
      throw invalidJobState(`Job ${job.id} already has its data; upload more records in a new job.`)
    }
    const body: unknown = request.body
    const text =
      typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : ''
    // An empty upload is accepted: the job completes with no records, as clients that bulk
    // load an empty list expect (Salesforce's answer is undocumented; see docs/emulator.md).
    job.upload = new IngestData(ctx.results, job, text)
    job.systemModstamp = sfDateTime(ctx.now())
    return reply.code(201).send()
  })

  app.patch<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) => {
    const job = find(request.params.id)
    const body = readJsonBody(request.body) as { state?: unknown }
    const target = body?.state
    if (target === 'UploadComplete') {
      if (job.state !== 'Open') {
        throw invalidJobState(
          `Closing a job that is ${job.state} is not allowed; only an Open job can be set to UploadComplete.`,
        )
      }
      job.state = 'UploadComplete'
      processor.start(job)
    } else if (target === 'Aborted') {
      if (FINISHED.has(job.state)) {
        const label = job.state === 'JobComplete' ? 'Completed' : job.state
        throw invalidJobState(`Aborting already ${label} Job not allowed`)
      }
      job.state = 'Aborted'
    } else {
      throw invalidJobState(
        `Unknown or disallowed state ${JSON.stringify(target)}: use UploadComplete or Aborted.`,
      )
    }
    job.systemModstamp = sfDateTime(ctx.now())
    return json(reply, 200, ingestJobInfo(job))
  })

  app.delete<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) => {
    const job = find(request.params.id)
    // Salesforce deletes only jobs that are UploadComplete, JobComplete, Aborted or Failed.
    if (job.state === 'Open' || job.state === 'InProgress') {
      throw invalidJobState(
        `Job ${job.id} is ${job.state}: abort it or wait until it ends before deleting it.`,
      )
    }
    job.state = 'Aborted' // stops a queued job from starting
    job.upload?.drop()
    jobs.delete(job.id)
    return reply.code(204).send()
  })

  const resultFile =
    (kind: 'successful' | 'failed' | 'unprocessed') =>
    async (request: { params: IdParams }, reply: FastifyReply) => {
      const job = find(request.params.id)
      if (!FINISHED.has(job.state)) {
        throw invalidJobState(
          `Job ${job.id} is ${job.state}: results are available once it is JobComplete, Failed or Aborted.`,
        )
      }
      return reply.code(200).type('text/csv').send(results(job, kind))
    }
  // The server ignores trailing slashes, so `successfulResults/` (Salesforce's documented
  // form) reaches these too.
  app.get<{ Params: IdParams }>(`${BASE}/:id/successfulResults`, resultFile('successful'))
  app.get<{ Params: IdParams }>(`${BASE}/:id/failedResults`, resultFile('failed'))
  app.get<{ Params: IdParams }>(`${BASE}/:id/unprocessedrecords`, resultFile('unprocessed'))
}
