// Moves Bulk API 1.0 batches through their states in the background, as Salesforce does:
// Queued, then InProgress while records are written in chunks on timers (the server never
// blocks), then Completed, or Failed when the batch's data or query is unusable. Records go
// through the same column plan and row write as Bulk API 2.0; query results go to the result
// store a step at a time, as Bulk API 2.0's do.

import {
  ColumnPlan,
  UnknownColumn,
  queryColumns,
  take,
  writeRow,
  type BulkWriteOperation,
  type Timers,
} from '../bulk/index.js'
import { toRecordErrors } from '../composite/index.js'
import { ApiError, type WriteContext } from '../model/index.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import { asyncDateTime, type AsyncBatch, type AsyncJob } from './async-job.js'
import { BatchDataError, readBatch } from './batch-input.js'
import { resultItem } from './batch-results.js'

/** Salesforce takes at most 10,000 records in one Bulk API 1.0 batch ([C: SF-Bulk limits]). */
export const MAX_BATCH_RECORDS = 10_000

export class BatchRunner {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly timers: Timers,
    private readonly chunkSize: number,
    /** Records per query result set. */
    private readonly resultSetSize: number,
  ) {}

  private stamp(batch: AsyncBatch): void {
    batch.systemModstamp = asyncDateTime(this.ctx.now())
  }

  private fail(batch: AsyncBatch, message: string): void {
    batch.state = 'Failed'
    batch.stateMessage = message
    batch.data.keep()
    this.stamp(batch)
  }

  /** Queues a batch that has just been added. */
  start(job: AsyncJob, batch: AsyncBatch): void {
    this.timers.later(() => this.begin(job, batch))
  }

  private begin(job: AsyncJob, batch: AsyncBatch): void {
    if (batch.state !== 'Queued') return // the job was aborted meanwhile
    batch.state = 'InProgress'
    this.stamp(batch)
    if (job.operation === 'query' || job.operation === 'queryAll') {
      this.timers.later(() => this.query(job, batch))
      return
    }
    const started = Date.now()
    let plan: ColumnPlan
    let rows: string[][]
    try {
      const table = readBatch(batch.data.request(), job.contentType)
      if (table.rows.length > MAX_BATCH_RECORDS) {
        this.fail(batch, `InvalidBatch : Records in a batch exceeds ${MAX_BATCH_RECORDS}`)
        return
      }
      const obj = this.ctx.org.getObject(job.object)
      if (obj === undefined) throw new UnknownColumn(job.object)
      plan = new ColumnPlan(this.ctx.org, obj, table.columns)
      rows = table.rows
    } catch (err) {
      if (err instanceof UnknownColumn) this.fail(batch, err.message)
      else if (err instanceof BatchDataError) this.fail(batch, `InvalidBatch : ${err.message}`)
      else throw err
      return
    } finally {
      batch.processingMs += Date.now() - started
    }
    this.timers.later(() => this.chunk(job, batch, plan, rows, 0))
  }

  private chunk(
    job: AsyncJob,
    batch: AsyncBatch,
    plan: ColumnPlan,
    rows: string[][],
    from: number,
  ): void {
    if (batch.state !== 'InProgress') {
      batch.data.keep() // stopped with its job
      return
    }
    const started = Date.now()
    const end = Math.min(rows.length, from + this.chunkSize)
    const user: WriteContext = { userId: job.createdById }
    const spec = {
      operation: job.operation as BulkWriteOperation,
      externalIdFieldName: job.externalIdFieldName,
    }
    try {
      this.ctx.org.transaction(() => {
        for (let i = from; i < end; i++) {
          let knownId: string | null = null
          try {
            const record = plan.toRecord(rows[i]!)
            knownId = record.id ?? null
            const saved = writeRow(
              this.ctx.org,
              spec,
              plan.obj.name,
              record.id,
              record.fields,
              user,
            )
            batch.data.add({
              id: saved.id,
              success: true,
              created: saved.created === true,
              errors: [],
            })
          } catch (err) {
            batch.data.add({
              id: knownId,
              success: false,
              created: false,
              errors: toRecordErrors(err),
            })
            batch.numberRecordsFailed += 1
          }
          batch.numberRecordsProcessed += 1
        }
      })
    } catch (err) {
      // Not a Salesforce refusal but a fault of the emulator: fail the batch, keep the server up.
      this.fail(batch, `UNKNOWN_EXCEPTION : ${err instanceof Error ? err.message : String(err)}`)
      return
    }
    batch.processingMs += Date.now() - started
    this.stamp(batch)
    if (end < rows.length) {
      this.timers.later(() => this.chunk(job, batch, plan, rows, end))
      return
    }
    batch.state = 'Completed'
    batch.data.keep()
    this.stamp(batch)
  }

  private query(job: AsyncJob, batch: AsyncBatch): void {
    if (batch.state !== 'InProgress') return
    const started = Date.now()
    let items: Iterator<string>
    try {
      const request = batch.data.request()
      const { object, columns } = queryColumns(request)
      if (object.toLowerCase() !== job.object.toLowerCase()) {
        throw new ApiError(
          400,
          'InvalidBatch',
          `the query names ${object}, but the job is for ${job.object}`,
        )
      }
      const result = this.ctx.queryStream(request, {
        includeDeleted: job.operation === 'queryAll',
        apiVersion: job.apiVersion,
      })
      batch.columns = columns
      const perSet = this.resultSetSize
      items = (function* () {
        let n = 0
        for (const record of result.records)
          yield resultItem(record, columns, job.contentType, n++ % perSet === 0)
      })()
      batch.stored = { set: this.ctx.results.open(), size: 0 }
    } catch (err) {
      this.queryFailed(batch, err)
      return
    } finally {
      batch.processingMs += Date.now() - started
    }
    this.timers.later(() => this.queryStep(batch, items))
  }

  /**
   * Writes the next records of a query batch to the result store, ROWS_PER_STEP per timer
   * step (a query over millions of records never holds the server, nor the records), and
   * cuts the result into result sets once the last is written.
   */
  private queryStep(batch: AsyncBatch, items: Iterator<string>): void {
    const stored = batch.stored
    if (batch.state !== 'InProgress' || stored === undefined) return
    const started = Date.now()
    try {
      const added = this.ctx.results.append(stored.set, take(items, ROWS_PER_STEP), stored.size)
      stored.size += added
      batch.numberRecordsProcessed = stored.size
      if (added === ROWS_PER_STEP) {
        this.timers.later(() => this.queryStep(batch, items))
      } else {
        // One result set even when empty; larger results are split into several.
        for (let from = 0; from === 0 || from < stored.size; from += this.resultSetSize) {
          const size = Math.max(0, Math.min(this.resultSetSize, stored.size - from))
          batch.resultSets.set(this.ctx.newId('752'), { from, size })
        }
        batch.state = 'Completed'
      }
    } catch (err) {
      this.queryFailed(batch, err)
    }
    batch.processingMs += Date.now() - started
    this.stamp(batch)
  }

  private queryFailed(batch: AsyncBatch, err: unknown): void {
    const text =
      err instanceof ApiError
        ? `${err.errorCode} : ${err.message}`
        : `UNKNOWN_EXCEPTION : ${err instanceof Error ? err.message : String(err)}`
    if (batch.stored) this.ctx.results.drop(batch.stored.set)
    batch.stored = undefined
    batch.numberRecordsProcessed = 0
    this.fail(batch, `InvalidBatch : Failed to process query: ${text}`)
  }
}

/** Query records a batch writes to the result store per timer step (about a second of work). */
const ROWS_PER_STEP = 50_000
