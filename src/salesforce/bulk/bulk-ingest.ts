// Bulk API 2.0 ingest (salesforce-api.md §6.1): create a job, stream the CSV up, close it, and
// start another job whenever an upload would pass maxBytesPerJob (Salesforce takes at most
// 150 MB base64-encoded per upload, about 100 MB of raw CSV); then poll and read the results.

import type { Readable } from 'node:stream'
import { ForcebridgeError, foreignCodeOr } from '../../util/index.js'
import type { RecordError } from '../collections/index.js'
import type { Requester } from '../requester.js'
import { checkName } from '../soql/index.js'
import {
  abortJob,
  closeJob,
  jobPath,
  waitForJob,
  type JobInfo,
  type PollOptions,
} from './bulk-jobs.js'
import { currentBulkJournalScope, type BulkJournalSlot } from './bulk-journal.js'
import { csvLine, parseCsv, parseSfError } from './csv-rows.js'
import { IngestTracker } from './ingest-tracker.js'
import {
  openRows,
  releaseInput,
  uploadBody,
  type CsvInput,
  type RecordInput,
  type UploadState,
} from './ingest-source.js'

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete'

export interface IngestOptions {
  object: string
  operation: IngestOperation
  /** Required for upsert. */
  externalIdFieldName?: string
  /** Columns for record input; default the first record's keys. Other keys are refused. */
  columns?: readonly string[]
  assignmentRuleId?: string
  /** Raw CSV bytes per job before a new job starts. Default 100,000,000 (Salesforce's limit is 150 MB base64). */
  maxBytesPerJob?: number
  /** Timeout of each upload call; default the client's per-call timeout (raise it for ~100 MB uploads). */
  uploadTimeoutMs?: number
  /** Wait for every job to finish. Default true; false returns once the uploads are closed. */
  wait?: boolean
  poll?: PollOptions
  /**
   * Where this call is remembered so that a re-run after a crash resumes it (see
   * bulk-journal.ts). Default: the slot of the enclosing runWithBulkJournal scope, if any.
   */
  journal?: BulkJournalSlot
}

export interface BulkSuccessRow {
  jobId: string
  id: string
  created: boolean
  /** The row's original columns as uploaded. */
  fields: Record<string, string>
}

export interface BulkFailureRow {
  jobId: string
  /** Known for failed updates and deletes (and some inserts from API 53.0). */
  id?: string
  error: RecordError
  fields: Record<string, string>
}

export interface BulkUnprocessedRow {
  jobId: string
  fields: Record<string, string>
}

const OPERATIONS: readonly IngestOperation[] = [
  'insert',
  'update',
  'upsert',
  'delete',
  'hardDelete',
]

function originalFields(row: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('sf__')) out[k] = v
  return out
}

/** Reads one results file of one job as parsed CSV rows, streamed. */
export async function* jobResultRows(
  requester: Requester,
  jobId: string,
  file: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
): AsyncGenerator<Record<string, string>> {
  const res = await requester.request<Readable>({
    method: 'GET',
    path: `${jobPath('ingest', jobId)}/${file}`,
    headers: { Accept: 'text/csv' },
    responseType: 'stream',
  })
  yield* parseCsv(res.body)
}

/** What an ingest did: its jobs (several when the data was split) and their result rows. */
export class IngestResult {
  constructor(
    private readonly requester: Requester,
    /** Final job info when waited for, else as closed. */
    readonly jobs: JobInfo[],
    /** Rows uploaded across all jobs. */
    readonly recordsUploaded: number,
  ) {}

  async *successfulResults(): AsyncGenerator<BulkSuccessRow> {
    for (const job of this.jobs) {
      for await (const row of jobResultRows(this.requester, job.id, 'successfulResults')) {
        yield {
          jobId: job.id,
          id: row.sf__Id ?? '',
          created: row.sf__Created === 'true',
          fields: originalFields(row),
        }
      }
    }
  }

  async *failedResults(): AsyncGenerator<BulkFailureRow> {
    for (const job of this.jobs) {
      for await (const row of jobResultRows(this.requester, job.id, 'failedResults')) {
        const out: BulkFailureRow = {
          jobId: job.id,
          error: parseSfError(row.sf__Error ?? ''),
          fields: originalFields(row),
        }
        if (row.sf__Id) out.id = row.sf__Id
        yield out
      }
    }
  }

  /** Rows Salesforce never processed (the job failed or was aborted). */
  async *unprocessedRecords(): AsyncGenerator<BulkUnprocessedRow> {
    for (const job of this.jobs) {
      if (job.state === 'JobComplete') continue
      for await (const row of jobResultRows(this.requester, job.id, 'unprocessedrecords'))
        yield { jobId: job.id, fields: row }
    }
  }
}

function validate(options: IngestOptions): void {
  checkName('bulk ingest object', options.object)
  if (!OPERATIONS.includes(options.operation)) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `bulk ingest: operation ${String(options.operation)} is not one of ${OPERATIONS.join(', ')}`,
    )
  }
  if (options.operation === 'upsert')
    checkName('bulk upsert externalIdFieldName', options.externalIdFieldName ?? '')
  const max = options.maxBytesPerJob
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 100_000_000)) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `bulk ingest: maxBytesPerJob must be 1..100000000, got ${max}`,
    )
  }
}

async function createJob(requester: Requester, options: IngestOptions): Promise<JobInfo> {
  const body: Record<string, unknown> = {
    object: options.object,
    operation: options.operation,
    contentType: 'CSV',
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
  }
  if (options.operation === 'upsert') body.externalIdFieldName = options.externalIdFieldName
  if (options.assignmentRuleId) body.assignmentRuleId = options.assignmentRuleId
  return (await requester.request<JobInfo>({ method: 'POST', path: jobPath('ingest'), body })).body
}

/**
 * Loads records (any iterable or async iterable of objects) or a CSV stream with Bulk API 2.0.
 * With a journal (`options.journal`, or the scope of runWithBulkJournal) the call can be run
 * again after a crash: jobs already closed are not created again, only polled and read.
 * @example const result = await ingest(client, { object: 'Account', operation: 'insert' }, records)
 *          for await (const f of result.failedResults()) console.log(f.error.code, f.fields)
 */
export async function ingest(
  requester: Requester,
  options: IngestOptions,
  data: RecordInput | CsvInput,
): Promise<IngestResult> {
  validate(options)
  const maxBytes = options.maxBytesPerJob ?? 100_000_000
  const slot = options.journal ?? currentBulkJournalScope()?.nextSlot()
  const { tracker, resume } = slot
    ? await IngestTracker.open(requester, slot, {
        object: options.object,
        operation: options.operation,
        ...(options.operation === 'upsert'
          ? { externalIdFieldName: options.externalIdFieldName }
          : {}),
      })
    : { tracker: undefined, resume: { jobs: [], skipRows: 0, uploaded: false } }
  const jobs: JobInfo[] = [...resume.jobs]
  let uploaded = resume.skipRows
  if (resume.uploaded) releaseInput(data)
  const opened = resume.uploaded ? undefined : await openRows(data, options.columns)
  if (opened) {
    // Rows an earlier run already handed to Salesforce in closed jobs: reading them again
    // keeps the input's order (and checks their columns) without sending them twice.
    for (let i = 0; i < resume.skipRows; i++) await opened.rows.next()
    const headerLine = csvLine(opened.header)
    while (await opened.rows.hasMore()) {
      const job = await createJob(requester, options)
      await tracker?.created(job.id)
      const state: UploadState = { rows: 0 }
      try {
        await requester.request({
          method: 'PUT',
          path: `${jobPath('ingest', job.id)}/batches`,
          headers: { 'Content-Type': 'text/csv' },
          body: uploadBody(headerLine, opened.rows, maxBytes, state),
          // A stream cannot be sent twice; a failed upload aborts the job instead.
          retry: 'never',
          ...(options.uploadTimeoutMs === undefined ? {} : { timeoutMs: options.uploadTimeoutMs }),
        })
      } catch (err) {
        await abortJob(requester, 'ingest', job.id).catch(() => undefined)
        await tracker?.dropped(job.id).catch(() => undefined)
        const cause = state.error ?? err
        const earlier =
          jobs.length > 0
            ? `; jobs already submitted and still processing: ${jobs.map((j) => j.id).join(', ')}`
            : ''
        throw new ForcebridgeError(
          foreignCodeOr((cause as { code?: string }).code, 'BULK_UPLOAD_FAILED'),
          `bulk ${options.operation} of ${options.object}: upload to job ${job.id} failed (job aborted): ${(cause as Error).message}${earlier}`,
          { cause },
        )
      }
      await tracker?.uploadedRows(job.id, state.rows)
      const closed = await closeJob(requester, job.id)
      await tracker?.closed(closed)
      jobs.push(closed)
      uploaded += state.rows
    }
  }
  if (tracker && !resume.uploaded) await tracker.allUploaded()
  if (options.wait === false) return new IngestResult(requester, jobs, uploaded)
  const userProgress = options.poll?.onProgress
  const poll: PollOptions = tracker
    ? {
        ...options.poll,
        onProgress: (job) => {
          tracker.progress(job)
          userProgress?.(job)
        },
      }
    : (options.poll ?? {})
  const final = await Promise.all(jobs.map((j) => waitForJob(requester, 'ingest', j.id, poll)))
  await tracker?.finished(final)
  return new IngestResult(requester, final, uploaded)
}
