// The Bulk API 2.0 entry on a client: ingest, query and job control in one place.

import type { Requester } from '../requester.js'
import {
  abortJob,
  deleteJob,
  getJob,
  waitForJob,
  type JobInfo,
  type JobKind,
  type PollOptions,
} from './bulk-jobs.js'
import { ingest, IngestResult, type IngestOptions } from './bulk-ingest.js'
import { BulkQuery, type BulkQueryOptions } from './bulk-query.js'
import type { CsvInput, RecordInput } from './ingest-source.js'

export interface BulkOptions {
  /** Default polling for every job started here. */
  poll?: PollOptions
}

export class Bulk {
  constructor(
    private readonly requester: Requester,
    private readonly options: BulkOptions = {},
  ) {}

  /** Loads records or CSV with one or more ingest jobs; see ingest(). */
  ingest(options: IngestOptions, data: RecordInput | CsvInput): Promise<IngestResult> {
    return ingest(
      this.requester,
      { ...options, poll: { ...this.options.poll, ...options.poll } },
      data,
    )
  }

  /** Exports rows with a Bulk query job, streamed page by page. */
  query<T = Record<string, string | null>>(
    soql: string,
    options: BulkQueryOptions = {},
  ): BulkQuery<T> {
    return new BulkQuery<T>(this.requester, soql, {
      ...options,
      poll: { ...this.options.poll, ...options.poll },
    })
  }

  /** Results of an ingest job started earlier (e.g. before a restart). */
  ingestResults(jobs: JobInfo[]): IngestResult {
    return new IngestResult(this.requester, jobs, 0)
  }

  job(kind: JobKind, id: string): Promise<JobInfo> {
    return getJob(this.requester, kind, id)
  }

  waitForJob(kind: JobKind, id: string, poll?: PollOptions): Promise<JobInfo> {
    return waitForJob(this.requester, kind, id, { ...this.options.poll, ...poll })
  }

  abort(kind: JobKind, id: string): Promise<JobInfo> {
    return abortJob(this.requester, kind, id)
  }

  delete(kind: JobKind, id: string): Promise<void> {
    return deleteJob(this.requester, kind, id)
  }
}
