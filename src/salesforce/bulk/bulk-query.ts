// Bulk API 2.0 query jobs (salesforce-api.md §6.2): the job is created and polled, then result
// pages are read one at a time, following `Sforce-Locator` until it is the literal string `null`.

import type { Readable } from 'node:stream'
import { ForcebridgeError } from '../../util/index.js'
import type { Requester } from '../requester.js'
import {
  abortJob,
  deleteJob,
  jobPath,
  waitForJob,
  type JobInfo,
  type PollOptions,
} from './bulk-jobs.js'
import { parseCsv } from './csv-rows.js'

export interface BulkQueryOptions {
  /** 'queryAll' includes deleted and archived rows. Default 'query'. */
  operation?: 'query' | 'queryAll'
  /** Rows per results page (`maxRecords`); default Salesforce's choice. */
  maxRecords?: number
  poll?: PollOptions
}

function header(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v
  return undefined
}

/**
 * A Bulk query that runs when iterated: rows come as objects keyed by column name. CSV cannot
 * tell null from an empty string, so empty cells are `null`.
 */
export class BulkQuery<T = Record<string, string | null>> implements AsyncIterable<T> {
  /** Set once the job has been created. */
  jobId: string | undefined
  /** Final job info, set once the job has finished. */
  job: JobInfo | undefined

  constructor(
    private readonly requester: Requester,
    private readonly soqlText: string,
    private readonly options: BulkQueryOptions = {},
  ) {
    if (typeof soqlText !== 'string' || soqlText.trim() === '') {
      throw new ForcebridgeError('INVALID_INPUT', 'bulk query: the SOQL text is empty')
    }
    const max = options.maxRecords
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new ForcebridgeError(
        'INVALID_INPUT',
        `bulk query: maxRecords must be a positive integer, got ${max}`,
      )
    }
  }

  private async start(): Promise<string> {
    const created = await this.requester.request<JobInfo>({
      method: 'POST',
      path: jobPath('query'),
      body: {
        operation: this.options.operation ?? 'query',
        query: this.soqlText,
        contentType: 'CSV',
        columnDelimiter: 'COMMA',
        lineEnding: 'LF',
      },
    })
    const id = created.body.id
    this.jobId = id
    const job = await waitForJob(this.requester, 'query', id, this.options.poll)
    this.job = job
    if (job.state !== 'JobComplete') {
      throw new ForcebridgeError(
        job.state === 'Aborted' ? 'BULK_JOB_ABORTED' : 'BULK_JOB_FAILED',
        `bulk query job ${id} ended ${job.state}${job.errorMessage ? `: ${job.errorMessage}` : ''}`,
      )
    }
    return id
  }

  /** Each results page as a CSV stream (with its header row), read only when asked for. */
  async *csvPages(): AsyncGenerator<Readable> {
    const id = await this.start()
    let locator: string | undefined
    for (;;) {
      const res = await this.requester.request<Readable>({
        method: 'GET',
        path: `${jobPath('query', id)}/results`,
        query: { locator, maxRecords: this.options.maxRecords },
        headers: { Accept: 'text/csv' },
        responseType: 'stream',
      })
      yield res.body
      const next = header(res.headers, 'sforce-locator')
      // The last page says `null` (a string); a missing header is treated the same way.
      if (!next || next === 'null') return
      locator = next
    }
  }

  /**
   * The whole result as one CSV byte stream with a single header row (each page repeats the
   * header; field names hold no newline, so it ends at the first LF). For exports to a file.
   */
  async *csv(): AsyncGenerator<Buffer> {
    let first = true
    for await (const page of this.csvPages()) {
      let skipHeader = !first
      first = false
      for await (const chunk of page as AsyncIterable<Buffer | string>) {
        let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        if (skipHeader) {
          const newline = buf.indexOf(0x0a)
          if (newline < 0) continue
          buf = buf.subarray(newline + 1)
          skipHeader = false
        }
        if (buf.length > 0) yield buf
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.csvPages()) {
      for await (const row of parseCsv(page)) {
        const out: Record<string, string | null> = {}
        for (const [k, v] of Object.entries(row)) out[k] = v === '' ? null : v
        yield out as T
      }
    }
  }

  /** Stops the job while it runs. */
  async abort(): Promise<void> {
    if (this.jobId) await abortJob(this.requester, 'query', this.jobId)
  }

  /** Deletes the job and its results in Salesforce. */
  async delete(): Promise<void> {
    if (this.jobId) await deleteJob(this.requester, 'query', this.jobId)
  }
}
