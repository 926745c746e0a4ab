// Row types of the queue's tables and their mapping to the public Job shapes.
import type { AttemptOutcome, Job, JobAttempt, JobState } from './job.js'

export interface QueueJobsTable {
  id: string
  service: string
  input: string
  output: string | null
  state: JobState
  attempts: number
  max_attempts: number
  attempt_limit: number
  run_at: number
  locked_until: number | null
  lock_token: string | null
  idempotency_key: string | null
  correlation_id: string | null
  last_error_message: string | null
  last_error_code: string | null
  created_at: number
  updated_at: number
  finished_at: number | null
}

export interface QueueJobAttemptsTable {
  job_id: string
  attempt: number
  started_at: number
  ended_at: number | null
  outcome: AttemptOutcome
  error_message: string | null
  error_code: string | null
}

export interface QueueTables {
  queue_jobs: QueueJobsTable
  queue_job_attempts: QueueJobAttemptsTable
}

// Number() because PostgreSQL drivers return bigint columns as strings.
function date(ms: number): Date {
  return new Date(Number(ms))
}

function optionalDate(ms: number | null): Date | null {
  return ms === null ? null : date(ms)
}

export function jobFromRow(row: QueueJobsTable): Job {
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

export function attemptFromRow(row: QueueJobAttemptsTable): JobAttempt {
  return {
    attempt: Number(row.attempt),
    startedAt: date(row.started_at),
    endedAt: optionalDate(row.ended_at),
    outcome: row.outcome,
    errorMessage: row.error_message,
    errorCode: row.error_code,
  }
}
