// Processes ingest jobs in the background after UploadComplete, as Salesforce does: the job
// turns InProgress, rows are written in chunks on timers (a large job takes a moment and
// never blocks the server), then it ends JobComplete, or Failed when the upload is unusable.

import { scalarText, toRecordErrors, type RecordError } from '../composite/index.js'
import { ApiError, type OrgWriter, type SaveResult, type WriteContext } from '../model/index.js'
import { ColumnPlan, UnknownColumn } from './column-plan.js'
import { parseCsv } from './csv-format.js'
import type { IngestJob } from './ingest-job.js'
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

  constructor(
    private readonly org: OrgWriter,
    private readonly timers: Timers,
    private readonly chunkSize: number,
    private readonly stamp: (job: IngestJob) => void,
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
    this.plans.delete(job.id)
    this.stamp(job)
  }

  private begin(job: IngestJob): void {
    if (job.state !== 'UploadComplete') return // aborted meanwhile
    job.state = 'InProgress'
    this.stamp(job)
    const started = Date.now()
    try {
      if (job.upload === null || job.upload.trim() === '') {
        // Nothing to load (no upload, or an empty one): an empty job completes, as clients
        // that bulk load an empty list expect. Salesforce's answer is undocumented ([B]).
        job.upload = null
        job.state = 'JobComplete'
        this.stamp(job)
        return
      }
      const table = parseCsv(job.upload, job)
      job.upload = null
      job.columns = table.columns
      job.rows = table.rows
      const obj = this.org.getObject(job.object)
      if (obj === undefined) throw new UnknownColumn(job.object)
      this.plans.set(job.id, new ColumnPlan(this.org, obj, table.columns))
    } catch (err) {
      if (err instanceof UnknownColumn) this.fail(job, err.message)
      else this.fail(job, `InvalidBatch : ${err instanceof Error ? err.message : String(err)}`)
      return
    } finally {
      job.processingMs += Date.now() - started
    }
    this.later(() => this.chunk(job))
  }

  private chunk(job: IngestJob): void {
    const plan = this.plans.get(job.id)
    if (job.state !== 'InProgress' || plan === undefined) {
      this.plans.delete(job.id)
      return
    }
    const started = Date.now()
    const end = Math.min(job.rows.length, job.next + this.chunkSize)
    const user: WriteContext = { userId: job.createdById }
    try {
      // One transaction per chunk only batches the write-through to storage: each row's
      // refusal is caught inside, and a refused write leaves nothing behind.
      this.org.transaction(() => {
        for (; job.next < end; job.next++) this.row(job, plan, job.rows[job.next]!, user)
      })
    } catch (err) {
      // Not a Salesforce refusal but a fault of the emulator: fail the job, keep the server up.
      this.fail(job, `UNKNOWN_EXCEPTION : ${err instanceof Error ? err.message : String(err)}`)
      return
    }
    job.processingMs += Date.now() - started
    this.stamp(job)
    if (job.next < job.rows.length) {
      this.later(() => this.chunk(job))
      return
    }
    job.state = 'JobComplete'
    this.plans.delete(job.id)
    this.stamp(job)
  }

  private row(job: IngestJob, plan: ColumnPlan, row: string[], user: WriteContext): void {
    let knownId: string | undefined
    try {
      const record = plan.toRecord(row)
      knownId = record.id
      const result = this.write(job, plan, record.id, record.fields, user)
      job.successful.push([result.id, String(result.created === true), ...row])
    } catch (err) {
      job.failed.push([knownId ?? '', sfError(toRecordErrors(err)), ...row])
      job.numberRecordsFailed += 1
    }
    job.numberRecordsProcessed += 1
  }

  private write(
    job: IngestJob,
    plan: ColumnPlan,
    id: string | undefined,
    fields: Record<string, unknown>,
    user: WriteContext,
  ): SaveResult {
    const objectName = plan.obj.name
    const needId = () => {
      if (id === undefined) {
        throw new ApiError(
          400,
          'MISSING_ARGUMENT',
          `Id not specified in an ${job.operation} call`,
          ['Id'],
        )
      }
      return id
    }
    switch (job.operation) {
      case 'insert':
        if (id !== undefined) {
          throw new ApiError(
            400,
            'INVALID_FIELD_FOR_INSERT_UPDATE',
            'cannot specify Id in an insert call',
            ['Id'],
          )
        }
        return { ...this.org.create(objectName, fields, user), created: true }
      case 'update':
        return { ...this.org.update(objectName, needId(), fields, user), created: false }
      case 'delete':
        return { ...this.org.delete(objectName, needId(), user), created: false }
      case 'hardDelete':
        return { ...this.org.hardDelete(objectName, needId(), user), created: false }
      case 'upsert': {
        const ext = job.externalIdFieldName ?? 'Id'
        if (ext.toLowerCase() === 'id') {
          return id === undefined
            ? { ...this.org.create(objectName, fields, user), created: true }
            : { ...this.org.update(objectName, id, fields, user), created: false }
        }
        const key = Object.keys(fields).find((k) => k.toLowerCase() === ext.toLowerCase())
        const value = key === undefined ? undefined : fields[key]
        if (key === undefined || value === null || value === undefined) {
          throw new ApiError(400, 'MISSING_ARGUMENT', `${ext} not specified`, [ext])
        }
        const rest = { ...fields }
        delete rest[key]
        return this.org.upsert(objectName, key, scalarText(value), rest, user)
      }
    }
  }
}
