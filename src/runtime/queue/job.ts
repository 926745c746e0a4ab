// The shapes of a job in the durable queue, shared by every backend, the runners and the admin
// views. Backends store them however they like; callers only ever see these.

/**
 * Where a job is in its life. A `queued` job with `attempts > 0` has failed at least once and is
 * waiting for its retry: the `retrying` view (a subset of `queued`, not a state of its own).
 */
export type JobState = 'queued' | 'running' | 'succeeded' | 'dead'

/** A state, or the `retrying` view, for `list()` filters. */
export type JobStateFilter = JobState | 'retrying'

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'succeeded', 'dead']

/** What happened to one attempt: `lease-expired` means its process stopped without an answer. */
export type AttemptOutcome = 'running' | 'succeeded' | 'failed' | 'lease-expired'

export interface JobAttempt {
  /** 1 for the first attempt, counting on across `retry()`. */
  attempt: number
  startedAt: Date
  endedAt: Date | null
  outcome: AttemptOutcome
  errorMessage: string | null
  errorCode: string | null
}

export interface Job {
  id: string
  /** Name of the service the worker's handler should run. */
  service: string
  /** The input given to `enqueue`, as JSON. */
  input: unknown
  state: JobState
  /** Attempts started so far, including those cut short by a crash. */
  attempts: number
  /** Attempts allowed per budget; `retry()` of a dead job grants this many more. */
  maxAttempts: number
  /** The job goes dead instead of being retried once `attempts` reaches this. */
  attemptLimit: number
  /** Earliest time the next attempt may start. */
  runAt: Date
  /** While `running`: when the worker's lease ends unless it is extended. */
  lockedUntil: Date | null
  idempotencyKey: string | null
  correlationId: string | null
  /** The handler's return value, kept once the job succeeded; null otherwise. */
  output: unknown
  /** The error of the last failed attempt, if any. */
  lastError: { message: string; code: string | null } | null
  createdAt: Date
  updatedAt: Date
  /** When the job reached `succeeded` or `dead`. */
  finishedAt: Date | null
}

/** A job with every attempt, oldest first, as `get()` returns it. */
export interface JobDetail extends Job {
  attemptHistory: JobAttempt[]
}

export interface EnqueueRequest {
  /** Name of the service to run. */
  service: string
  /** JSON-serialisable input for the service. */
  input: unknown
  /**
   * A caller's key for this piece of work: enqueueing again with the same key returns the job
   * already there instead of adding another. Keys are global, so namespace them
   * (`order:1234:sync`); a purged job frees its key.
   */
  idempotencyKey?: string
  /** Attempts before the job goes dead. Default: the queue's `defaultMaxAttempts` (5). */
  maxAttempts?: number
  /** Do not start before this time. Default: now. */
  runAt?: Date
  /** Carried into logs of every attempt. */
  correlationId?: string
}

export interface ListJobsOptions {
  state?: JobStateFilter
  service?: string
  /** Page size, 1 to 500. Default 50. */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}

/** Newest jobs first. */
export interface JobPage {
  jobs: Job[]
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null
}

export interface PurgeOptions {
  /** Which state to purge. Default: both finished states, `succeeded` and `dead`. */
  state?: JobState
  /** Only jobs last updated before this time. */
  olderThan?: Date
}

/** Counts by state, for metrics and dashboards; `retrying` is the part of `queued` that failed before. */
export type JobStats = Record<JobState | 'retrying', number>
