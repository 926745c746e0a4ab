// Durable async invocations for the runtime: the job queue and the schedules in the store, a
// runner that runs queued jobs through the invoker, and the cron scheduler that enqueues into
// the same queue. `stop()` lets running jobs finish (graceful shutdown).
import type { Logger } from 'pino'
import type { Store } from '../store/index.js'
import { BulkJobStore } from './bulk/index.js'
import type { Invoker } from './services/index.js'
import {
  createJobBackend,
  type AttemptEvent,
  type JobQueue,
  type JobRunner,
} from './queue/index.js'
import { createScheduler, type Scheduler } from './scheduler/index.js'

export interface AsyncInvocationOptions {
  /** Jobs run at once by this process. Default 4; 0 runs no worker (enqueue only). */
  concurrency?: number
  /** How often an idle worker looks for jobs, in milliseconds. Default 500. */
  pollMs?: number
  /** A claimed job's lease; a killed process's jobs are taken again after it. Default 30 s. */
  leaseMs?: number
  /** Run the cron scheduler in this process. Default true. */
  scheduler?: boolean
  /** Told about each recorded attempt (job outcome metrics). */
  onAttempt?: (event: AttemptEvent) => void
}

export interface AsyncInvocations {
  readonly queue: JobQueue
  readonly scheduler: Scheduler
  /** Bulk calls made by async jobs, tracked so that a re-run after a crash resumes them. */
  readonly bulkJobs: BulkJobStore
  /** Starts the worker and the scheduler (once the invoker exists). */
  start(invoker: Invoker): Promise<void>
  /** Stops the scheduler, then waits for running jobs. */
  stop(): Promise<void>
}

/** Opens the queue, the scheduler and the Bulk journal on the store (whose tables it migrated). */
export function openAsyncInvocations(
  store: Store,
  log: Logger,
  options: AsyncInvocationOptions = {},
): AsyncInvocations {
  const backend = createJobBackend(store)
  const { queue } = backend
  const scheduler = createScheduler({
    store,
    enqueue: (request, tx) => queue.within(tx).enqueue(request),
    onError: (err) => log.error({ err }, 'scheduler check failed'),
  })
  const bulkJobs = new BulkJobStore(store)
  let runner: JobRunner | undefined
  let schedulerStarted = false
  let pruning: NodeJS.Timeout | undefined
  const prune = () =>
    bulkJobs.prune().then(
      (n) => n > 0 && log.info({ removed: n }, 'forgot bulk jobs Salesforce no longer keeps'),
      (err: unknown) => log.warn({ err }, 'could not prune the tracked bulk jobs'),
    )
  return {
    queue,
    scheduler,
    bulkJobs,
    async start(invoker) {
      const concurrency = options.concurrency ?? 4
      if (concurrency > 0) {
        runner = backend.createRunner({
          concurrency,
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          onAttempt: (event) => {
            options.onAttempt?.(event)
            const fields = {
              jobId: event.job.id,
              service: event.job.service,
              attempt: event.attempt,
            }
            if (event.outcome === 'succeeded') log.info(fields, 'job succeeded')
            else
              log.warn(
                { ...fields, error: event.error, retryInMs: event.retryInMs },
                `job ${event.outcome}`,
              )
          },
          onError: (err) => log.error({ err }, 'job queue failure'),
        })
        // Errors the invoker throws for a missing service or a bad input or output are
        // permanent to the queue's retry policy: such jobs go to the dead letters at once.
        runner.start((job, signal) =>
          invoker.invoke(job.service, job.input, {
            correlationId: job.correlationId ?? job.id,
            signal,
            // Keyed by the job id, which every attempt of the job shares.
            bulkJournal: bulkJobs.scopeFor(job.id),
          }),
        )
      }
      if (options.scheduler !== false) {
        await scheduler.start()
        schedulerStarted = true
      }
      // Tracked Bulk calls are kept as long as Salesforce keeps their jobs; checked at start
      // and then every six hours.
      await prune()
      pruning = setInterval(() => void prune(), 6 * 60 * 60 * 1000)
      pruning.unref()
    },
    async stop() {
      clearInterval(pruning)
      if (schedulerStarted) await scheduler.stop()
      await runner?.stop()
    },
  }
}
