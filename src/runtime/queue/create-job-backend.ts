// Picks and opens the queue backend, in this one place: the queue callers use, and runners that
// work it off under one retry policy.
import { z } from 'zod'
import type { Store } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import { DatabaseJobQueue } from './database-job-queue.js'
import { DatabaseJobRunner } from './database-job-runner.js'
import type { JobQueue } from './job-queue.js'
import type { JobRunner, JobRunnerOptions } from './job-runner.js'
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js'

export interface JobBackendOptions {
  /** Attempts for jobs enqueued without `maxAttempts`. Default 5. */
  defaultMaxAttempts?: number
  /** When a failed attempt is retried, and after how long. Default: `new RetryPolicy()`. */
  retry?: RetryPolicy | RetryPolicyOptions
  /** Milliseconds since the epoch. Default `Date.now`; tests drive it by hand. */
  now?: () => number
}

/** A queue backend: the queue itself, and runners that run its jobs. */
export interface JobBackend {
  readonly queue: JobQueue
  /** The policy every runner of this backend follows after a failed attempt. */
  readonly retryPolicy: RetryPolicy
  /**
   * A runner for this process; several may run, here and in other processes. A function
   * property, so it may be destructured: `const { queue, createRunner } = createJobBackend(store)`.
   */
  readonly createRunner: (options?: JobRunnerOptions) => JobRunner
}

const optionsSchema = z.object({
  defaultMaxAttempts: z.number().int().min(1).max(1000).default(5),
})

/**
 * Opens the job queue of `store`.
 *
 * @example
 * const { queue, createRunner } = createJobBackend(store)
 * await queue.enqueue({ service: 'invoice.sync', input: { id: 42 }, idempotencyKey: 'invoice:42' })
 * const runner = createRunner({ concurrency: 4 })
 * runner.start((job) => invoker.invoke(job.service, job.input))
 */
export function createJobBackend(store: Store, options: JobBackendOptions = {}): JobBackend {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ForcebridgeError(
      'INVALID_QUEUE_OPTIONS',
      `the job queue rejected its options: ${issues.join('; ')}`,
    )
  }
  const retryPolicy =
    options.retry instanceof RetryPolicy ? options.retry : new RetryPolicy(options.retry)
  const now = options.now ?? Date.now
  // Every dialect the store speaks keeps the jobs in its own database, where an enqueue can share
  // the caller's transaction; a backend of another kind would be chosen here.
  const queue = new DatabaseJobQueue(store, {
    now,
    defaultMaxAttempts: parsed.data.defaultMaxAttempts,
  })
  return {
    queue,
    retryPolicy,
    createRunner: (runnerOptions = {}) =>
      new DatabaseJobRunner(store, { now, retryPolicy }, runnerOptions),
  }
}
