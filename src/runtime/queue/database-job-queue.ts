// The JobQueue of the database backend: jobs kept in the store's own tables (SQLite today,
// PostgreSQL through the same repository), so an enqueue can share a transaction with the
// caller's other writes.
import { randomUUID } from 'node:crypto'
import type { StoreScope } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type {
  EnqueueRequest,
  Job,
  JobDetail,
  JobPage,
  JobStats,
  ListJobsOptions,
  PurgeOptions,
} from './job.js'
import type { JobQueue } from './job-queue.js'
import {
  decodeCursor,
  encodeCursor,
  parseEnqueueRequest,
  parseListOptions,
  parsePurgeOptions,
  toJsonText,
} from './job-request-schemas.js'
import { attemptFromRow, jobFromRow } from './job-rows.js'

export interface DatabaseQueueSettings {
  /** Milliseconds since the epoch. */
  now: () => number
  defaultMaxAttempts: number
}

export class DatabaseJobQueue implements JobQueue {
  readonly #scope: StoreScope
  readonly #settings: DatabaseQueueSettings

  constructor(scope: StoreScope, settings: DatabaseQueueSettings) {
    this.#scope = scope
    this.#settings = settings
  }

  async enqueue(request: EnqueueRequest): Promise<Job> {
    const req = parseEnqueueRequest(request)
    const now = this.#settings.now()
    const row = await this.#scope.jobs.insert(
      {
        id: randomUUID(),
        service: req.service,
        input: toJsonText(
          req.input,
          'INVALID_JOB_REQUEST',
          `input of the job for '${req.service}'`,
        ),
        maxAttempts: req.maxAttempts ?? this.#settings.defaultMaxAttempts,
        runAt: req.runAt?.getTime() ?? now,
        idempotencyKey: req.idempotencyKey ?? null,
        correlationId: req.correlationId ?? null,
      },
      now,
    )
    return jobFromRow(row)
  }

  async get(id: string): Promise<JobDetail | null> {
    const row = await this.#scope.jobs.find(id)
    if (!row) return null
    const attempts = await this.#scope.jobs.attempts(id)
    return { ...jobFromRow(row), attemptHistory: attempts.map(attemptFromRow) }
  }

  async list(options?: ListJobsOptions): Promise<JobPage> {
    const opts = parseListOptions(options)
    const limit = opts.limit ?? 50
    const rows = await this.#scope.jobs.list({
      ...(opts.state === undefined ? {} : { state: opts.state }),
      ...(opts.service === undefined ? {} : { service: opts.service }),
      ...(opts.cursor === undefined ? {} : { after: decodeCursor(opts.cursor) }),
      limit: limit + 1,
    })
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      jobs: page.map(jobFromRow),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    }
  }

  async retry(id: string): Promise<Job> {
    const row = await this.#scope.jobs.retryNow(id, this.#settings.now())
    if (row) return jobFromRow(row)
    const current = await this.#scope.jobs.find(id)
    if (!current) {
      throw new ForcebridgeError('JOB_NOT_FOUND', `job ${id} does not exist; list jobs to find it`)
    }
    throw new ForcebridgeError(
      'JOB_NOT_RETRYABLE',
      `job ${id} is ${current.state}${current.state === 'queued' ? ' and has not failed yet' : ''}; ` +
        'only dead jobs and jobs waiting for a retry can be retried',
    )
  }

  // async, so that a bad option rejects the promise rather than throwing at the call.
  async purge(options?: PurgeOptions): Promise<number> {
    const opts = parsePurgeOptions(options)
    const states = opts.state ? [opts.state] : (['succeeded', 'dead'] as const)
    return await this.#scope.jobs.purge(states, opts.olderThan?.getTime())
  }

  stats(): Promise<JobStats> {
    return this.#scope.jobs.counts()
  }

  within(tx: StoreScope): JobQueue {
    return new DatabaseJobQueue(tx, this.#settings)
  }
}
