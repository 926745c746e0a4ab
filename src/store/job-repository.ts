// The job queue's tables (queue_jobs, queue_job_attempts): jobs added with their idempotency
// key, read, listed, revived, purged and counted, and the claim statements its runners use.
// Rows in, rows out: the queue (src/runtime/queue/) owns validation and the public Job shape.
import type { Kysely } from 'kysely'
import type { DatabaseDialect } from './database.js'
import type { DatabaseSchema } from './database-schema.js'
import { inTransaction } from './in-transaction.js'
import {
  claimNextJob,
  expiredJobLeases,
  extendJobLease,
  settleJobClaim,
  type JobClaim,
  type JobSettlement,
} from './job-claim-statements.js'
import type { JobRowState, QueueJobAttemptRow, QueueJobRow } from './job-schema.js'

export type { JobClaim, JobSettlement } from './job-claim-statements.js'

/** What a new job is made of; the repository fills in state, counters and times. */
export interface NewJobRow {
  id: string
  service: string
  /** JSON. */
  input: string
  maxAttempts: number
  runAt: number
  idempotencyKey: string | null
  correlationId: string | null
}

export interface JobRowFilter {
  /** A state, or `retrying`: queued after at least one failed attempt. */
  state?: JobRowState | 'retrying'
  service?: string
  /** Only jobs after this one in newest-first order (the last of the previous page). */
  after?: { createdAt: number; id: string }
  limit: number
}

/** Job counts by state; `retrying` is the part of `queued` that failed before. */
export type JobRowCounts = Record<JobRowState | 'retrying', number>

export class JobRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #dialect: DatabaseDialect

  constructor(db: Kysely<DatabaseSchema>, dialect: DatabaseDialect) {
    this.#db = db
    this.#dialect = dialect
  }

  /**
   * Adds a job queued at `now`, or returns the job already holding its idempotency key:
   * insert-or-nothing, then read, in one transaction (the caller's, when it runs in one), atomic
   * against a concurrent insert with the same key (PostgreSQL makes the second insert wait for
   * the first to commit, then do nothing).
   */
  insert(job: NewJobRow, now: number): Promise<QueueJobRow> {
    if (job.idempotencyKey === null) return this.#insert(this.#db, job, now)
    return inTransaction(this.#db, (trx) => this.#insert(trx, job, now))
  }

  async #insert(db: Kysely<DatabaseSchema>, job: NewJobRow, now: number): Promise<QueueJobRow> {
    const insert = db.insertInto('queue_jobs').values({
      id: job.id,
      service: job.service,
      input: job.input,
      output: null,
      state: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      attempt_limit: job.maxAttempts,
      run_at: job.runAt,
      locked_until: null,
      lock_token: null,
      idempotency_key: job.idempotencyKey,
      correlation_id: job.correlationId,
      last_error_message: null,
      last_error_code: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    if (job.idempotencyKey === null) return insert.returningAll().executeTakeFirstOrThrow()
    await insert.onConflict((oc) => oc.column('idempotency_key').doNothing()).execute()
    return db
      .selectFrom('queue_jobs')
      .selectAll()
      .where('idempotency_key', '=', job.idempotencyKey)
      .executeTakeFirstOrThrow()
  }

  find(id: string): Promise<QueueJobRow | undefined> {
    return this.#db.selectFrom('queue_jobs').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** Every attempt of a job, oldest first. */
  attempts(id: string): Promise<QueueJobAttemptRow[]> {
    return this.#db
      .selectFrom('queue_job_attempts')
      .selectAll()
      .where('job_id', '=', id)
      .orderBy('attempt')
      .execute()
  }

  /** Newest first (creation time, then id to split ties). */
  list(filter: JobRowFilter): Promise<QueueJobRow[]> {
    let query = this.#db.selectFrom('queue_jobs').selectAll()
    if (filter.state === 'retrying') {
      query = query.where('state', '=', 'queued').where('attempts', '>', 0)
    } else if (filter.state !== undefined) {
      query = query.where('state', '=', filter.state)
    }
    if (filter.service !== undefined) query = query.where('service', '=', filter.service)
    const after = filter.after
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      )
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()
  }

  /**
   * A dead job goes back to `queued` with a budget of `max_attempts` more attempts; a job waiting
   * for its retry becomes due now. Undefined when the job is in neither case (or missing).
   */
  async retryNow(id: string, now: number): Promise<QueueJobRow | undefined> {
    const revived = await this.#db
      .updateTable('queue_jobs')
      .set((eb) => ({
        state: 'queued',
        run_at: now,
        attempt_limit: eb('attempts', '+', eb.ref('max_attempts')),
        finished_at: null,
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('state', '=', 'dead')
      .returningAll()
      .executeTakeFirst()
    if (revived) return revived
    return this.#db
      .updateTable('queue_jobs')
      .set({ run_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .where('attempts', '>', 0)
      .returningAll()
      .executeTakeFirst()
  }

  /** Deletes jobs in `states` (last changed before `olderThan`, if given) and their attempts. */
  purge(states: readonly JobRowState[], olderThan?: number): Promise<number> {
    return inTransaction(this.#db, async (trx) => {
      let doomed = trx.selectFrom('queue_jobs').select('id').where('state', 'in', states)
      if (olderThan !== undefined) doomed = doomed.where('updated_at', '<', olderThan)
      await trx.deleteFrom('queue_job_attempts').where('job_id', 'in', doomed).execute()
      let remove = trx.deleteFrom('queue_jobs').where('state', 'in', states)
      if (olderThan !== undefined) remove = remove.where('updated_at', '<', olderThan)
      const result = await remove.executeTakeFirst()
      return Number(result.numDeletedRows)
    })
  }

  async counts(): Promise<JobRowCounts> {
    const rows = await this.#db
      .selectFrom('queue_jobs')
      .select((eb) => [
        'state',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('failed'),
      ])
      .groupBy('state')
      .execute()
    const counts: JobRowCounts = { queued: 0, running: 0, succeeded: 0, dead: 0, retrying: 0 }
    for (const row of rows) {
      counts[row.state] = Number(row.count)
      if (row.state === 'queued') counts.retrying = Number(row.failed)
    }
    return counts
  }

  // The claim mechanics, for the database queue's runners only (job-claim-statements.ts).

  /** Takes the due job that waited longest and starts its next attempt under a lease. */
  claimNext(now: number, leaseMs: number): Promise<{ row: QueueJobRow; claim: JobClaim } | null> {
    return claimNextJob(this.#db, this.#dialect, now, leaseMs)
  }

  /** Pushes the lease end to `until`; false when the claim was lost. */
  extendLease(claim: JobClaim, until: number): Promise<boolean> {
    return extendJobLease(this.#db, claim, until)
  }

  /** Running jobs whose lease ended before `now` (their runner stopped), oldest lease first. */
  expiredLeases(now: number, limit = 100): Promise<{ row: QueueJobRow; claim: JobClaim }[]> {
    return expiredJobLeases(this.#db, now, limit)
  }

  /** Ends a claimed attempt; false (nothing written) when the claim was lost meanwhile. */
  settle(claim: JobClaim, settlement: JobSettlement, now: number): Promise<boolean> {
    return settleJobClaim(this.#db, claim, settlement, now)
  }
}
