// The worker-facing statements of the SQL queue: claim a job under a lease, and settle the claim
// (success, retry or dead). Each runs in one transaction so a crash leaves no half-written claim.
import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { AttemptFailure, ClaimedJob } from './job.js'
import { jobFromRow, type QueueTables } from './queue-tables.js'

/** Error code recorded on an attempt whose worker stopped answering (killed, hung, partitioned). */
export const LEASE_EXPIRED = 'JOB_LEASE_EXPIRED'
const LEASE_EXPIRED_MESSAGE =
  'the worker running this attempt stopped renewing its lease (process killed or stalled)'
const MAX_ERROR_LENGTH = 4000

/**
 * Takes the next due job. Jobs whose lease expired are claimable again (at-least-once), unless
 * they have used every attempt, in which case they go dead here.
 */
export function claimNextJob(
  db: Kysely<QueueTables>,
  now: number,
  leaseMs: number,
): Promise<ClaimedJob | null> {
  const token = randomUUID()
  return db.transaction().execute(async (trx) => {
    const exhausted = await trx
      .updateTable('queue_jobs')
      .set({
        state: 'dead',
        locked_until: null,
        lock_token: null,
        last_error_message: LEASE_EXPIRED_MESSAGE,
        last_error_code: LEASE_EXPIRED,
        finished_at: now,
        updated_at: now,
      })
      .where('state', '=', 'running')
      .where('locked_until', '<', now)
      .whereRef('attempts', '>=', 'attempt_limit')
      .returning('id')
      .execute()
    for (const { id } of exhausted) await closeExpiredAttempt(trx, id, now)

    // The condition is repeated outside the subquery so that, on PostgreSQL, a competing
    // transaction that claimed the same row first makes this UPDATE match nothing.
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
          .where((w) =>
            w.or([
              w.and([w('state', '=', 'queued'), w('run_at', '<=', now)]),
              w.and([w('state', '=', 'running'), w('locked_until', '<', now)]),
            ]),
          )
          .orderBy('run_at')
          .orderBy('created_at')
          .limit(1),
      )
      .where((w) =>
        w.or([
          w.and([w('state', '=', 'queued'), w('run_at', '<=', now)]),
          w.and([w('state', '=', 'running'), w('locked_until', '<', now)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst()
    if (!row) return null
    // Only a job that ran before can have an attempt left open by a lost lease.
    if (row.attempts > 1) await closeExpiredAttempt(trx, row.id, now)
    await trx
      .insertInto('queue_job_attempts')
      .values({
        job_id: row.id,
        attempt: row.attempts,
        started_at: now,
        ended_at: null,
        outcome: 'running',
        error_message: null,
        error_code: null,
      })
      .execute()
    return { job: jobFromRow(row), attempt: Number(row.attempts), token }
  })
}

async function closeExpiredAttempt(trx: Transaction<QueueTables>, jobId: string, now: number) {
  await trx
    .updateTable('queue_job_attempts')
    .set({
      ended_at: now,
      outcome: 'lease-expired',
      error_message: LEASE_EXPIRED_MESSAGE,
      error_code: LEASE_EXPIRED,
    })
    .where('job_id', '=', jobId)
    .where('ended_at', 'is', null)
    .execute()
}

export type Settlement =
  { kind: 'succeeded'; output: string } | { kind: 'failed'; failure: AttemptFailure }

/** Ends the claimed attempt; false (and nothing written) when the claim was lost. */
export function settleClaim(
  db: Kysely<QueueTables>,
  now: number,
  claim: ClaimedJob,
  settlement: Settlement,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const failure = settlement.kind === 'failed' ? settlement.failure : null
    const message = failure ? failure.message.slice(0, MAX_ERROR_LENGTH) : null
    const code = failure ? failure.code : null
    const dead = failure !== null && failure.retryInMs === null
    const result = await trx
      .updateTable('queue_jobs')
      .set({
        state: failure === null ? 'succeeded' : dead ? 'dead' : 'queued',
        output: settlement.kind === 'succeeded' ? settlement.output : null,
        run_at: failure?.retryInMs != null ? now + failure.retryInMs : now,
        locked_until: null,
        lock_token: null,
        last_error_message: message,
        last_error_code: code,
        finished_at: failure === null || dead ? now : null,
        updated_at: now,
      })
      .where('id', '=', claim.job.id)
      .where('lock_token', '=', claim.token)
      .where('state', '=', 'running')
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) return false
    await trx
      .updateTable('queue_job_attempts')
      .set({
        ended_at: now,
        outcome: failure === null ? 'succeeded' : 'failed',
        error_message: message,
        error_code: code,
      })
      .where('job_id', '=', claim.job.id)
      .where('attempt', '=', claim.attempt)
      .execute()
    return true
  })
}
