// One Bulk API 2.0 query job: the SOQL, its state, and where its result rows are: CSV lines
// in the result store (SQLite, not the heap), served page by page with Sforce-Locator
// (salesforce-api.md §6.2). The job itself lives in memory, as ingest jobs do.

import soql from 'soql-parser-js'
import { scalarText } from '../composite/index.js'
import { ApiError } from '../model/index.js'
import type { StoredResult } from '../data/result-store.js'
import type { CsvFormat } from './csv-format.js'

export type QueryState = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted'

export interface QueryJob extends CsvFormat {
  id: string
  operation: 'query' | 'queryAll'
  object: string
  query: string
  apiVersion: string
  createdById: string
  createdDate: string
  systemModstamp: string
  state: QueryState
  errorMessage: string | null
  columns: string[]
  /** The result's CSV lines (header excluded) in the result store, once the job completes. */
  result: StoredResult | undefined
  processingMs: number
}

/**
 * The object and the CSV columns of a bulk query, in SELECT order (API 50.0+). Bulk queries
 * take plain and parent fields only: Salesforce refuses subqueries and aggregates there.
 */
export function queryColumns(query: string): { object: string; columns: string[] } {
  let parsed
  try {
    parsed = soql.parseQuery(query)
  } catch (err) {
    throw new ApiError(
      400,
      'MALFORMED_QUERY',
      err instanceof Error ? err.message : String(err),
      undefined,
    )
  }
  const columns: string[] = []
  for (const field of parsed.fields ?? []) {
    if (field.type === 'Field') columns.push(field.field)
    else if (field.type === 'FieldRelationship')
      columns.push(field.rawValue ?? [...field.relationships, field.field].join('.'))
    else {
      throw new ApiError(
        400,
        'API_ERROR',
        'Bulk API 2.0 queries take plain and parent fields only: subqueries, aggregate functions and TYPEOF are not supported.',
      )
    }
  }
  return { object: parsed.sObject ?? '', columns }
}

function lookup(record: unknown, path: string[]): unknown {
  let value = record
  for (const step of path) {
    if (typeof value !== 'object' || value === null) return null
    const key = Object.keys(value).find((k) => k.toLowerCase() === step.toLowerCase())
    value = key === undefined ? null : (value as Record<string, unknown>)[key]
  }
  return value
}

/** The CSV cells of query records for the given columns (`Account.Name` walks the parent), one record at a time. */
export function* toRows(records: Iterable<object>, columns: string[]): Generator<string[]> {
  const paths = columns.map((c) => c.split('.'))
  for (const record of records) yield paths.map((path) => scalarText(lookup(record, path)))
}

export function queryJobInfo(job: QueryJob): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    jobType: 'V2Query',
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: job.state === 'JobComplete' ? (job.result?.size ?? 0) : 0,
    retries: 0,
    totalProcessingTime: job.processingMs,
    isPkChunkingSupported: true,
  }
  if (job.errorMessage !== null) info.errorMessage = job.errorMessage
  return info
}
