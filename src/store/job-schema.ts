// Row types of the durable work tables: the job queue and its attempts, cron schedules and the
// journal of Bulk calls made by jobs. Times are epoch milliseconds (bigint columns): comparable
// and sortable the same way on every dialect. PostgreSQL drivers return bigint as strings, so
// readers wrap these numbers in Number().

/** Where a job is in its life; `retrying` is a view of `queued` (attempts > 0), not a state. */
export type JobRowState = 'queued' | 'running' | 'succeeded' | 'dead'

/** How one attempt ended; `lease-expired`: its process stopped answering. */
export type AttemptRowOutcome = 'running' | 'succeeded' | 'failed' | 'lease-expired'

export interface QueueJobRow {
  id: string
  service: string
  /** JSON. */
  input: string
  /** JSON of the handler's return value, once succeeded. */
  output: string | null
  state: JobRowState
  attempts: number
  max_attempts: number
  /** The job goes dead instead of being retried once `attempts` reaches this. */
  attempt_limit: number
  run_at: number
  /** While running: when the claim's lease ends unless renewed. */
  locked_until: number | null
  /** While running: the token of the claim that holds it. */
  lock_token: string | null
  idempotency_key: string | null
  correlation_id: string | null
  last_error_message: string | null
  last_error_code: string | null
  created_at: number
  updated_at: number
  finished_at: number | null
}

export interface QueueJobAttemptRow {
  job_id: string
  attempt: number
  started_at: number
  ended_at: number | null
  outcome: AttemptRowOutcome
  error_message: string | null
  error_code: string | null
}

export interface ScheduleRow {
  name: string
  cron: string
  timezone: string | null
  service: string
  /** JSON input of every run. */
  input: string
  enabled: number
  missed_run_policy: 'skip' | 'run-once' | 'run-all'
  max_catch_up: number
  /** Runs at or before this time have been fired or skipped. */
  due_after: number
  last_run_at: number | null
  created_at: number
  updated_at: number
}

export interface BulkJobRow {
  /** `<queue job id>#<n>`: the n-th Bulk call of that job, the same on every attempt. */
  key: string
  invocation_id: string
  connection: string | null
  object: string
  operation: string
  /** Salesforce job ids, comma-separated, in creation order. */
  job_ids: string
  state: string
  records_processed: number
  records_failed: number
  /** The whole journal entry as JSON: what a re-run reads back. */
  entry: string
  created_at: number
  updated_at: number
}
