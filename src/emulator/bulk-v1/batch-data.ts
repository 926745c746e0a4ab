// A Bulk API 1.0 batch's request body and per-record results, kept in the result store (a
// temporary SQLite file) rather than the heap: Bulk 1.0 jobs are never deleted, so a job of
// many batches kept every uploaded row and every result for the emulator's whole life.

import type { RecordError } from '../composite/index.js'
import type { ResultStore } from '../data/result-store.js'

/** One record's outcome in an ingest batch. */
export interface RowResult {
  id: string | null
  success: boolean
  created: boolean
  errors: RecordError[]
}

export class BatchData {
  private readonly requestSet: number
  private resultsSet: number | undefined
  /** The results of a batch still running (at most 10,000), stored when it ends. */
  private running: RowResult[] = []

  constructor(
    private readonly store: ResultStore,
    request: string,
  ) {
    this.requestSet = store.write([request]).set
  }

  /** The request body as sent. */
  request(): string {
    return this.store.page(this.requestSet, 0, 1)[0] ?? ''
  }

  add(result: RowResult): void {
    this.running.push(result)
  }

  /** The batch has ended (completed, failed or stopped): its results leave the heap. */
  keep(): void {
    if (this.running.length === 0) return
    this.resultsSet = this.store.write([JSON.stringify(this.running)]).set
    this.running = []
  }

  /** One result per record processed, in request order. */
  results(): RowResult[] {
    if (this.resultsSet === undefined) return this.running
    return JSON.parse(this.store.page(this.resultsSet, 0, 1)[0] ?? '[]') as RowResult[]
  }
}
