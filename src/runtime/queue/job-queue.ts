// The contract of the durable queue as its callers see it: add work, look at it, retry it, purge
// it. Running jobs is a JobRunner's business (job-runner.ts); how a backend hands jobs to its
// runners (leases, polling) is its own. One conformance suite checks every backend.
import type { StoreScope } from '../../store/index.js'
import type {
  EnqueueRequest,
  Job,
  JobDetail,
  JobPage,
  JobStats,
  ListJobsOptions,
  PurgeOptions,
} from './job.js'

export interface JobQueue {
  /**
   * Adds a job, or returns the existing one with the same idempotency key. Throws
   * INVALID_JOB_REQUEST naming the fields that are wrong.
   */
  enqueue(request: EnqueueRequest): Promise<Job>
  /** The job with every attempt, or null when there is no such job. */
  get(id: string): Promise<JobDetail | null>
  /** Newest first, filtered by state (or `retrying`) and service, paged with a cursor. */
  list(options?: ListJobsOptions): Promise<JobPage>
  /**
   * A dead job goes back to `queued` with a fresh budget of `maxAttempts`; a job waiting for a
   * retry runs now. Throws `JOB_NOT_FOUND`, or `JOB_NOT_RETRYABLE` for other states.
   */
  retry(id: string): Promise<Job>
  /** Deletes jobs (default: succeeded and dead ones) and their attempts; returns how many. */
  purge(options?: PurgeOptions): Promise<number>
  /** Counts by state, for metrics and dashboards. */
  stats(): Promise<JobStats>
  /**
   * The same queue inside a store transaction: what it enqueues commits, or is rolled back,
   * with the transaction's other writes (a schedule's claimed run and its job, together).
   *
   * @example
   * await store.transaction((tx) => queue.within(tx).enqueue({ service: 'order.sync', input }))
   */
  within(tx: StoreScope): JobQueue
}
