// One Bulk API 2.0 ingest job: its settings, state and counts; its upload and per-row results
// are on disk (ingest-data.ts). Jobs are forgotten on restart, which the emulator accepts:
// Salesforce itself deletes jobs after seven days and clients poll a job within one
// process's life.

import type { CsvFormat } from './csv-format.js'
import type { IngestData } from './ingest-data.js'

export const INGEST_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const
export type IngestOperation = (typeof INGEST_OPERATIONS)[number]

export type IngestState =
  'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted'

export interface IngestJob extends CsvFormat {
  id: string
  object: string
  operation: IngestOperation
  externalIdFieldName: string | null
  apiVersion: string
  createdById: string
  createdDate: string
  systemModstamp: string
  state: IngestState
  errorMessage: string | null
  /** The uploaded CSV and the rows' outcomes, in the result store; null until uploaded. */
  upload: IngestData | null
  /** The upload's header, once processing has parsed it. */
  columns: string[]
  /** Rows in the upload, once processing has parsed it. */
  rowCount: number
  /** Index of the next row to process. */
  next: number
  numberRecordsProcessed: number
  numberRecordsFailed: number
  /** Milliseconds spent processing, for totalProcessingTime. */
  processingMs: number
}

/** Salesforce's datetime form: `2024-01-03T23:52:01.000+0000`. */
export function sfDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000')
}

/** The job info JSON of create, get, patch and list (salesforce-api.md §6.1). */
export function ingestJobInfo(job: IngestJob): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    externalIdFieldName: job.externalIdFieldName,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    // A number, as Salesforce sends it (e.g. 58.0 appears as 58 after JSON parsing).
    apiVersion: Number(job.apiVersion),
    jobType: 'V2Ingest',
    // No leading slash, as in Salesforce's answers.
    contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: 0,
    totalProcessingTime: job.processingMs,
    apiActiveProcessingTime: job.processingMs,
    apexProcessingTime: 0,
  }
  if (job.errorMessage !== null) info.errorMessage = job.errorMessage
  return info
}
