// The contract every queue backend fulfils (SQL through Kysely now, Redis later). The worker and
// the admin views use only this, and one conformance suite checks every backend against it.
import type {
  AttemptFailure,
  ClaimedJob,
  EnqueueRequest,
  Job,
  JobDetail,
  JobPage,
  JobStats,
  ListJobsOptions,
  PurgeOptions,
} from './job.js'

export interface JobQueue {
  /** Adds a job, or returns the existing one with the same idempotency key. */
  enqueue(request: EnqueueRequest): Promise<Job>
  /** Newest first, filtered by state (or `retrying`) and service, paged with a cursor. */
  list(options?: ListJobsOptions): Promise<JobPage>
  /** The job with every attempt, or null when there is no such job. */
  get(id: string): Promise<JobDetail | null>
  /**
   * A dead job goes back to `queued` with a fresh budget of `maxAttempts`; a job waiting for a
   * retry runs now. Throws `JOB_NOT_FOUND`, or `JOB_NOT_RETRYABLE` for other states.
   */
  retry(id: string): Promise<Job>
  /** Deletes jobs (default: succeeded and dead ones) and their attempts; returns how many. */
  purge(options?: PurgeOptions): Promise<number>
  stats(): Promise<JobStats>

  // The worker's side. A claim is a lease: it must be extended before `leaseMs` passes, or the
  // job becomes claimable again (this is what recovers jobs of a killed process).

  /** Atomically takes the next due job (or one whose lease expired), or returns null. */
  claim(options: { leaseMs: number }): Promise<ClaimedJob | null>
  /** Pushes the lease end to now + `leaseMs`; false when the claim was lost. */
  extendLease(claim: ClaimedJob, leaseMs: number): Promise<boolean>
  /**
   * Records success and keeps `output`; false when the claim was lost. Throws
   * `JOB_OUTPUT_NOT_SERIALIZABLE` when `output` cannot be stored as JSON.
   */
  complete(claim: ClaimedJob, output: unknown): Promise<boolean>
  /** Records a failed attempt and schedules the retry, or makes the job dead. */
  fail(claim: ClaimedJob, failure: AttemptFailure): Promise<boolean>
}
