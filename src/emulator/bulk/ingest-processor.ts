// Processes ingest jobs in the background after UploadComplete, as Salesforce does: the job
// turns InProgress, rows are written in chunks on timers (a large job takes a moment and
// never blocks the server), then it ends JobComplete, or Failed when the upload is unusable.

import { toRecordErrors, type RecordError } from '../composite/index.js'
import type { OrgWriter, WriteContext } from '../model/index.js'
import { ColumnPlan, UnknownColumn } from './column-plan.js'
import type { IngestData } from './ingest-data.js'
import type { IngestJob } from './ingest-job.js'
import { writeRow } from './write-row.js'
import type { Timers } from './timers.js'

/** `STATUS_CODE:message:fields --`, the sf__Error column (salesforce-api.md §6.1, [B] suffix). */
export function sfError(errors: RecordError[]): string {
  return errors
    .map(
      (e) =>
        `${e.statusCode}:${e.message}:${e.fields.length > 0 ? `${e.fields.join(',')} ` : ''}--`,
    )
    .join(' ')
}

export class IngestProcessor {
  private readonly plans = new Map<string, ColumnPlan>()
  /** Each running job's rows still to write, parsed from its upload a piece at a time. */
  private readonly cursors = new Map<string, Iterator<string[]>>()

  constructor(
    private readonly org: OrgWriter,
    private readonly timers: Timers,
    private readonly chunkSize: number,
    private readonly stamp: (job: IngestJob) => void,
    /** Spends DailyBulkApiBatches, the allocation Bulk API 2.0 shares with 1.0. */
    private readonly countBatches: (n: number) => void = () => {},
  ) {}

  /** Starts processing a job that has just turned UploadComplete. */
  start(job: IngestJob): void {
    this.later(() => this.begin(job))
  }

  private later(fn: () => void): void {
    this.timers.later(fn)
  }

  private fail(job: IngestJob, message: string): void {
    job.state = 'Failed'
    job.errorMessage = message
    this.forget(job)
    this.stamp(job)
  }

  private begin(job: IngestJob): void {
    if (job.state !== 'UploadComplete') return // aborted meanwhile
    job.state = 'InProgress'
    this.stamp(job)
    const started = Date.now()
    try {
      if (job.upload === null || job.upload.blank) {
        // Nothing to load (no upload, or an empty one): an empty job completes, as clients
        // that bulk load an empty list expect. Salesforce's answer is undocumented ([B]).
        job.state = 'JobComplete'
        this.stamp(job)
        return
      }
      // The whole upload is parsed once before any row is written, so that a fault anywhere
      // in it fails the job with nothing loaded; rows are parsed again as they are written.
      const table = job.upload.check()
      job.columns = table.columns
      job.rowCount = table.count
      // Salesforce splits an ingest job into batches of up to 10,000 records, each counted in
      // the batch allocation shared with Bulk API 1.0 ([C: SF-Bulk limits]).
      this.countBatches(Math.ceil(table.count / 10_000))
      const obj = this.org.getObject(job.object)
      if (obj === undefined) throw new UnknownColumn(job.object)
      this.plans.set(job.id, new ColumnPlan(this.org, obj, table.columns))
      this.cursors.set(job.id, job.upload.rows(0))
    } catch (err) {
      if (err instanceof UnknownColumn) this.fail(job, err.message)
      else this.fail(job, `InvalidBatch : ${err instanceof Error ? err.message : String(err)}`)
      return
    } finally {
      job.processingMs += Date.now() - started
    }
    this.later(() => this.chunk(job, this.chunkSize))
  }

  /** Writes up to `budget` rows of the tick's chunk, as many as the time slice allows. */
  private chunk(job: IngestJob, budget: number): void {
    const plan = this.plans.get(job.id)
    const rows = this.cursors.get(job.id)
    const data = job.upload
    if (job.state !== 'InProgress' || plan === undefined || rows === undefined || data === null) {
      this.forget(job)
      return
    }
    const started = Date.now()
    const end = Math.min(job.rowCount, job.next + budget)
    const first = job.next
    const user: WriteContext = { userId: job.createdById }
    const slice = this.timers.slice()
    try {
      // One transaction per slice only batches the write-through to storage: each row's
      // refusal is caught inside, and a refused write leaves nothing behind.
      this.org.transaction(() => {
        while (job.next < end) {
          this.row(job, data, plan, rows.next().value as string[], user)
          job.next++
          if (slice.spent()) break
        }
      })
      slice.end()
    } catch (err) {
      // Not a Salesforce refusal but a fault of the emulator: fail the job, keep the server up.
      this.fail(job, `UNKNOWN_EXCEPTION : ${err instanceof Error ? err.message : String(err)}`)
      return
    }
    job.processingMs += Date.now() - started
    this.stamp(job)
    if (job.next < end) {
      // The slice ran out before the chunk did: the rest after pending I/O, same tick.
      const left = budget - (job.next - first)
      this.timers.soon(() => this.chunk(job, left))
      return
    }
    if (job.next < job.rowCount) {
      this.later(() => this.chunk(job, this.chunkSize))
      return
    }
    job.state = 'JobComplete'
    this.forget(job)
    this.stamp(job)
  }

  private forget(job: IngestJob): void {
    this.plans.delete(job.id)
    this.cursors.delete(job.id)
  }

  private row(
    job: IngestJob,
    data: IngestData,
    plan: ColumnPlan,
    row: string[],
    user: WriteContext,
  ): void {
    let knownId: string | undefined
    try {
      const record = plan.toRecord(row)
      knownId = record.id
      const result = writeRow(this.org, job, plan.obj.name, record.id, record.fields, user)
      data.succeeded(result.id, result.created === true)
    } catch (err) {
      data.failed(knownId ?? '', sfError(toRecordErrors(err)))
      job.numberRecordsFailed += 1
    }
    job.numberRecordsProcessed += 1
  }
}
