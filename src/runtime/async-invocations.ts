// Durable async invocations for the runtime: the job queue and scheduler tables in the store's
// database, a worker that runs queued jobs through the invoker, and the cron scheduler that
// enqueues into the same queue. `stop()` lets running jobs finish (graceful shutdown).
import { Migrator, type Kysely } from 'kysely'
import type { Logger } from 'pino'
import { ForcebridgeError } from '../util/index.js'
import { bulkJobMigrations, BulkJobStore } from './bulk/index.js'
import type { Invoker } from './services/index.js'
import {
  createKyselyJobQueue,
  queueMigrations,
  startWorker,
  type AttemptEvent,
  type JobQueue,
  type Worker,
} from './queue/index.js'
import { createScheduler, schedulerMigrations, type Scheduler } from './scheduler/index.js'

/** Errors that a replay cannot fix: the job goes to the dead letters at once. */
const NOT_RETRYABLE = new Set(['SERVICE_NOT_FOUND', 'INVALID_INPUT', 'INVALID_OUTPUT'])

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

/**
 * Brings the queue and scheduler tables up to date and opens them. Their migrations are kept in
 * a history table of their own, so the store's and the runtime's schema can evolve apart.
 */
export async function openAsyncInvocations(
  // The queue and scheduler declare their own table types; the store's db holds them too.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  log: Logger,
  options: AsyncInvocationOptions = {},
): Promise<AsyncInvocations> {
  const { error } = await new Migrator({
    db,
    provider: {
      getMigrations: () =>
        Promise.resolve({ ...queueMigrations, ...schedulerMigrations, ...bulkJobMigrations }),
    },
    migrationTableName: 'runtime_migration',
    migrationLockTableName: 'runtime_migration_lock',
  }).migrateToLatest()
  if (error) {
    throw new ForcebridgeError(
      'STORE_MIGRATION_FAILED',
      'could not bring the job queue, schedule and bulk job tables up to date; the store may come from a newer forcebridge',
      { cause: error },
    )
  }
  const queue = createKyselyJobQueue({ db })
  const scheduler = createScheduler({
    db,
    enqueue: (request) => queue.enqueue(request),
    onError: (err) => log.error({ err }, 'scheduler check failed'),
  })
  const bulkJobs = new BulkJobStore(db)
  let worker: Worker | undefined
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
        worker = startWorker({
          queue,
          concurrency,
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          handler: async (job, signal) => {
            try {
              return await invoker.invoke(job.service, job.input, {
                correlationId: job.correlationId ?? job.id,
                signal,
                // Keyed by the job id, which every attempt of the job shares.
                bulkJournal: bulkJobs.scopeFor(job.id),
              })
            } catch (err) {
              if (err instanceof ForcebridgeError && NOT_RETRYABLE.has(err.code)) {
                throw Object.assign(err, { retryable: false })
              }
              throw err
            }
          },
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
      await worker?.stop()
    },
  }
}
