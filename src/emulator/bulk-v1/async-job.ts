// A Bulk API 1.0 job and its batches, as the emulator keeps them (in memory, like Bulk 2.0's
// jobs; each batch's request and ingest results on disk (batch-data.ts), query results in
// the result store), and their JobInfo and BatchInfo bodies in XML or JSON ([C: SF-Bulk1
// "JobInfo", "BatchInfo"]).

import type { StoredResult } from '../data/result-store.js'
import type { BatchData } from './batch-data.js'
import { NAMESPACE, type WireFormat } from './async-error.js'
import { escapeXml } from './xml-lite.js'

export const OPERATIONS = [
  'insert',
  'update',
  'upsert',
  'delete',
  'hardDelete',
  'query',
  'queryAll',
] as const
export type AsyncOperation = (typeof OPERATIONS)[number]

export const CONTENT_TYPES = ['CSV', 'JSON', 'XML'] as const
export type AsyncContentType = (typeof CONTENT_TYPES)[number]

export type JobState = 'Open' | 'Closed' | 'Aborted' | 'Failed'
export type BatchState = 'Queued' | 'InProgress' | 'Completed' | 'Failed' | 'NotProcessed'

export type { RowResult } from './batch-data.js'

export interface AsyncBatch {
  id: string
  jobId: string
  state: BatchState
  stateMessage: string | null
  createdDate: string
  systemModstamp: string
  /** The request body (served back by `/request`) and, for ingest, the per-record results. */
  data: BatchData
  numberRecordsProcessed: number
  numberRecordsFailed: number
  processingMs: number
  /**
   * Query: the records, one formatted item each (a CSV line, a JSON record, an XML
   * element) in the result store, not the heap; filled a step at a time while InProgress.
   */
  stored: StoredResult | undefined
  /** Query: the result sets by result id, each a range of the stored items. */
  resultSets: Map<string, { from: number; size: number }>
  /** Query: the CSV columns, in SELECT order. */
  columns: string[]
}

export interface AsyncJob {
  id: string
  operation: AsyncOperation
  object: string
  createdById: string
  createdDate: string
  systemModstamp: string
  state: JobState
  externalIdFieldName: string | null
  concurrencyMode: 'Parallel' | 'Serial'
  contentType: AsyncContentType
  apiVersion: string
  batches: AsyncBatch[]
}

/** Salesforce's Bulk API 1.0 datetime form: `2015-12-15T21:41:45.000Z`. */
export const asyncDateTime = (date: Date) => date.toISOString()

export function jobInfo(job: AsyncJob): Record<string, string | number> {
  const count = (state: BatchState) => job.batches.filter((b) => b.state === state).length
  const sum = (pick: (b: AsyncBatch) => number) => job.batches.reduce((n, b) => n + pick(b), 0)
  const info: Record<string, string | number> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
  }
  if (job.externalIdFieldName !== null) info.externalIdFieldName = job.externalIdFieldName
  Object.assign(info, {
    concurrencyMode: job.concurrencyMode,
    contentType: job.contentType,
    numberBatchesQueued: count('Queued'),
    numberBatchesInProgress: count('InProgress'),
    numberBatchesCompleted: count('Completed'),
    numberBatchesFailed: count('Failed'),
    numberBatchesTotal: job.batches.length,
    numberRecordsProcessed: sum((b) => b.numberRecordsProcessed),
    numberRetries: 0,
    apiVersion: Number(job.apiVersion),
    numberRecordsFailed: sum((b) => b.numberRecordsFailed),
    totalProcessingTime: sum((b) => b.processingMs),
    apiActiveProcessingTime: sum((b) => b.processingMs),
    apexProcessingTime: 0,
  })
  return info
}

export function batchInfo(batch: AsyncBatch): Record<string, string | number> {
  const info: Record<string, string | number> = {
    id: batch.id,
    jobId: batch.jobId,
    state: batch.state,
  }
  if (batch.stateMessage !== null) info.stateMessage = batch.stateMessage
  Object.assign(info, {
    createdDate: batch.createdDate,
    systemModstamp: batch.systemModstamp,
    numberRecordsProcessed: batch.numberRecordsProcessed,
    numberRecordsFailed: batch.numberRecordsFailed,
    totalProcessingTime: batch.processingMs,
    apiActiveProcessingTime: batch.processingMs,
    apexProcessingTime: 0,
  })
  return info
}

/** `<name>` elements of a flat object's fields, in order. */
export function xmlFields(fields: Record<string, string | number>, indent = ' '): string {
  return Object.entries(fields)
    .map(([k, v]) => `${indent}<${k}>${escapeXml(String(v))}</${k}>`)
    .join('\n')
}

/** A document whose root is in the dataload namespace. */
export function xmlDocument(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${root}\n   xmlns="${NAMESPACE}">\n${inner}\n</${root}>`
}

/** A JobInfo or BatchInfo body in the given format. */
export function infoBody(
  root: 'jobInfo' | 'batchInfo',
  info: Record<string, string | number>,
  format: WireFormat,
): string {
  return format === 'JSON' ? JSON.stringify(info) : xmlDocument(root, xmlFields(info))
}

/** The batch list: `{"batchInfo": [...]}` or `<batchInfoList>`. */
export function batchListBody(job: AsyncJob, format: WireFormat): string {
  const infos = job.batches.map(batchInfo)
  if (format === 'JSON') return JSON.stringify({ batchInfo: infos })
  const inner = infos.map((i) => ` <batchInfo>\n${xmlFields(i, '  ')}\n </batchInfo>`).join('\n')
  return xmlDocument('batchInfoList', inner)
}
