// Moves Bulk API 1.0 batches through their states in the background, as Salesforce does:
// Queued, then InProgress while records are written in chunks on timers (the server never
// blocks), then Completed, or Failed when the batch's data or query is unusable. Records go
// through the same column plan and row write as Bulk API 2.0.

import {
  ColumnPlan,
  UnknownColumn,
  queryColumns,
  writeRow,
  type BulkWriteOperation,
  type Timers,
} from '../bulk/index.js'
import { toRecordErrors } from '../composite/index.js'
import { ApiError, type WriteContext } from '../model/index.js'
import type { EmulatorContext } from '../server/emulator-context.js'
import { asyncDateTime, type AsyncBatch, type AsyncJob } from './async-job.js'
import { BatchDataError, readBatch } from './batch-input.js'

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
      const table = readBatch(batch.request, job.contentType)
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
    if (batch.state !== 'InProgress') return
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
            batch.results.push({
              id: saved.id,
              success: true,
              created: saved.created === true,
              errors: [],
            })
          } catch (err) {
            batch.results.push({
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
    this.stamp(batch)
  }

  private query(job: AsyncJob, batch: AsyncBatch): void {
    if (batch.state !== 'InProgress') return
    const started = Date.now()
    try {
      const { object, columns } = queryColumns(batch.request)
      if (object.toLowerCase() !== job.object.toLowerCase()) {
        throw new ApiError(
          400,
          'InvalidBatch',
          `the query names ${object}, but the job is for ${job.object}`,
        )
      }
      const result = this.ctx.query(batch.request, {
        includeDeleted: job.operation === 'queryAll',
        apiVersion: job.apiVersion,
      })
      batch.columns = columns
      const records = result.records
      // One result set even when empty; larger results are split into several.
      for (let i = 0; i === 0 || i < records.length; i += this.resultSetSize) {
        batch.resultSets.set(this.ctx.newId('752'), records.slice(i, i + this.resultSetSize))
      }
      batch.numberRecordsProcessed = records.length
      batch.state = 'Completed'
    } catch (err) {
      const text =
        err instanceof ApiError
          ? `${err.errorCode} : ${err.message}`
          : `UNKNOWN_EXCEPTION : ${err instanceof Error ? err.message : String(err)}`
      batch.state = 'Failed'
      batch.stateMessage = `InvalidBatch : Failed to process query: ${text}`
    }
    batch.processingMs += Date.now() - started
    this.stamp(batch)
  }
}
