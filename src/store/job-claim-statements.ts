// The statements behind a database queue's runners: claim a due job under a lease, renew the
// lease, find leases that ran out, and settle a claim. Private to the database backend of the
// queue (src/runtime/queue/database-job-runner.ts); each write runs in one transaction, so a crash
// leaves no half-written claim.
import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DatabaseDialect } from './database.js'
import type { DatabaseSchema } from './database-schema.js'
import { inTransaction } from './in-transaction.js'
import type { QueueJobRow } from './job-schema.js'

/** A job held by one runner: the attempt it started and the token that proves the claim. */
export interface JobClaim {
  jobId: string
  attempt: number
  token: string
}

/** How a claimed attempt ended, as the queue's retry policy decided. */
export type JobSettlement =
  | { outcome: 'succeeded'; output: string }
  | {
      /** `lease-expired`: the runner holding the claim stopped renewing it. */
      outcome: 'failed' | 'lease-expired'
      error: { message: string; code: string | null }
      /** When the next attempt may start, or null: the job is dead. */
      retryAt: number | null
    }

const MAX_ERROR_LENGTH = 4000

/**
 * Takes the due job that waited longest and starts its next attempt. On PostgreSQL the subquery
 * locks the row it picks with `FOR UPDATE SKIP LOCKED`, so concurrent claimers pass over each
 * other's rows instead of queueing behind the same one and coming back empty (under READ
 * COMMITTED the loser would re-check the row, see it running, and match nothing). SQLite has one
 * writer at a time (BEGIN IMMEDIATE), so it needs no lock. The condition repeated outside the
 * subquery makes a claim that lost a race match nothing rather than take a job twice.
 */
export function claimNextJob(
  db: Kysely<DatabaseSchema>,
  dialect: DatabaseDialect,
  now: number,
  leaseMs: number,
): Promise<{ row: QueueJobRow; claim: JobClaim } | null> {
  const token = randomUUID()
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('queue_jobs')
      .set((eb) => ({
        state: 'running',
        attempts: eb('attempts', '+', 1),
        lock_token: token,
        locked_until: now + leaseMs,
        updated_at: now,
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('queue_jobs')
          .select('id')
          .where('state', '=', 'queued')
          .where('run_at', '<=', now)
          .orderBy('run_at')
          .orderBy('created_at')
          // Ties in the same millisecond in enqueue order: PostgreSQL's seq (migration
          // 2026-12-05-02); SQLite returns them in rowid order already.
          .$if(dialect === 'postgres', (qb) =>
            qb
              .orderBy(sql`seq`)
              .limit(1)
              .forUpdate()
              .skipLocked(),
          )
          .$if(dialect !== 'postgres', (qb) => qb.limit(1)),
      )
      .where('state', '=', 'queued')
      .where('run_at', '<=', now)
      .returningAll()
      .executeTakeFirst()
    if (!row) return null
    const attempt = Number(row.attempts)
    await trx
      .insertInto('queue_job_attempts')
      .values({
        job_id: row.id,
        attempt,
        started_at: now,
        ended_at: null,
        outcome: 'running',
        error_message: null,
        error_code: null,
      })
      .execute()
    return { row, claim: { jobId: row.id, attempt, token } }
  })
}

/** Pushes the lease end to `until`; false when the claim was lost. */
export async function extendJobLease(
  db: Kysely<DatabaseSchema>,
  claim: JobClaim,
  until: number,
): Promise<boolean> {
  const result = await db
    .updateTable('queue_jobs')
    .set({ locked_until: until })
    .where('id', '=', claim.jobId)
    .where('lock_token', '=', claim.token)
    .where('state', '=', 'running')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Running jobs whose lease ended before `now`, with the claim each was held under. */
export async function expiredJobLeases(
  db: Kysely<DatabaseSchema>,
  now: number,
  limit: number,
): Promise<{ row: QueueJobRow; claim: JobClaim }[]> {
  const rows = await db
    .selectFrom('queue_jobs')
    .selectAll()
    .where('state', '=', 'running')
    .where('locked_until', '<', now)
    .orderBy('locked_until')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    row,
    claim: { jobId: row.id, attempt: Number(row.attempts), token: row.lock_token ?? '' },
  }))
}

/** Ends the claimed attempt as told; false (and nothing written) when the claim was lost. */
export function settleJobClaim(
  db: Kysely<DatabaseSchema>,
  claim: JobClaim,
  settlement: JobSettlement,
  now: number,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const failure = settlement.outcome === 'succeeded' ? null : settlement
    const message = failure ? failure.error.message.slice(0, MAX_ERROR_LENGTH) : null
    const code = failure ? failure.error.code : null
    const dead = failure !== null && failure.retryAt === null
    const result = await trx
      .updateTable('queue_jobs')
      .set({
        state: failure === null ? 'succeeded' : dead ? 'dead' : 'queued',
        output: settlement.outcome === 'succeeded' ? settlement.output : null,
        run_at: failure?.retryAt ?? now,
        locked_until: null,
        lock_token: null,
        last_error_message: message,
        last_error_code: code,
        finished_at: failure === null || dead ? now : null,
        updated_at: now,
      })
      .where('id', '=', claim.jobId)
      .where('lock_token', '=', claim.token)
      .where('state', '=', 'running')
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) return false
    await trx
      .updateTable('queue_job_attempts')
      .set({ ended_at: now, outcome: settlement.outcome, error_message: message, error_code: code })
      .where('job_id', '=', claim.jobId)
      .where('attempt', '=', claim.attempt)
      .execute()
    return true
  })
}
