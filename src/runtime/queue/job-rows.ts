// The queue's rows (src/store/job-schema.ts) as the public Job shapes.
import type { QueueJobAttemptRow, QueueJobRow } from '../../store/index.js'
import type { Job, JobAttempt } from './job.js'

// Number() because PostgreSQL drivers return bigint columns as strings.
function date(ms: number): Date {
  return new Date(Number(ms))
}

function optionalDate(ms: number | null): Date | null {
  return ms === null ? null : date(ms)
}

export function jobFromRow(row: QueueJobRow): Job {
  return {
    id: row.id,
    service: row.service,
    input: JSON.parse(row.input) as unknown,
    state: row.state,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    attemptLimit: Number(row.attempt_limit),
    runAt: date(row.run_at),
    lockedUntil: row.state === 'running' ? optionalDate(row.locked_until) : null,
    idempotencyKey: row.idempotency_key,
    correlationId: row.correlation_id,
    output: row.output === null ? null : (JSON.parse(row.output) as unknown),
    lastError:
      row.last_error_message === null
        ? null
        : { message: row.last_error_message, code: row.last_error_code },
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    finishedAt: optionalDate(row.finished_at),
  }
}

export function attemptFromRow(row: QueueJobAttemptRow): JobAttempt {
  return {
    attempt: Number(row.attempt),
    startedAt: date(row.started_at),
    endedAt: optionalDate(row.ended_at),
    outcome: row.outcome,
    errorMessage: row.error_message,
    errorCode: row.error_code,
  }
}
