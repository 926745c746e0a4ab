// The contract of what works off the queue: a runner started with a handler, that runs due jobs
// a few at a time (at least once each), records how each attempt ended, and stops or drains.
import type { Job } from './job.js'

/**
 * Runs one job. The signal aborts when the runner lost the job (another runner may now run it),
 * so long handlers should pass it on to their calls. Throw an error whose `retryable` is
 * `false`, or whose `code` the retry policy counts as permanent, to make the job dead at once;
 * a string `code` on the error is recorded.
 */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<unknown>

/** One attempt as the runner recorded it. */
export interface AttemptEvent {
  job: Job
  attempt: number
  /** `retry` and `dead` carry the error; `retry` also the delay before the next attempt. */
  outcome: 'succeeded' | 'retry' | 'dead'
  durationMs: number
  error?: { message: string; code: string | null }
  retryInMs?: number
}

export interface JobRunnerOptions {
  /** Jobs run at the same time. Default 4. */
  concurrency?: number
  /** Wait between looks for work when none is due. Default 500 ms. */
  pollMs?: number
  /**
   * How long a job stays this runner's without a sign of life: renewed while its handler runs,
   * and after it another runner takes the job (this is what recovers jobs of a killed process).
   * Default 30,000 ms.
   */
  leaseMs?: number
  /** Told about failures of the queue itself (not of handlers). Default: console.error. */
  onError?: (error: unknown) => void
  /** Told how each recorded attempt ended, for logs and metrics (job outcomes). */
  onAttempt?: (event: AttemptEvent) => void
}

export interface JobRunner {
  /** Starts running due jobs through `handler`. A runner starts once. */
  start(handler: JobHandler): void
  /**
   * Resolves once no job is due and none is running in this runner (jobs added meanwhile are run
   * too); the runner keeps going. Jobs waiting for a later retry or `runAt` are not waited for.
   */
  drain(): Promise<void>
  /** Stops taking jobs; resolves once every running job has finished and been recorded. */
  stop(): Promise<void>
}
