// The SQL backend of the job queue, through Kysely: SQLite in one process today, and the same
// statements on PostgreSQL later. Claiming is one conditional UPDATE, so two workers (in one
// process or several) never hold the same job at once.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ForcebridgeError } from '../../util/index.js'
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
import type { JobQueue } from './job-queue.js'
import { claimNextJob, settleClaim } from './kysely-job-claims.js'
import {
  decodeCursor,
  encodeCursor,
  parseEnqueueRequest,
  parseListOptions,
  parsePurgeOptions,
  toJsonText,
} from './job-request-schemas.js'
import { attemptFromRow, jobFromRow, type QueueTables } from './queue-tables.js'

export interface KyselyJobQueueOptions {
  /** A Kysely whose database has run `queueMigrations`. */
  db: Kysely<any> // eslint-disable-line @typescript-eslint/no-explicit-any -- the store's own DB type does not list our tables
  /** Attempts for jobs enqueued without `maxAttempts`. Default 5. */
  defaultMaxAttempts?: number
  /** Milliseconds since the epoch. Default `Date.now`; tests move it by hand. */
  now?: () => number
}

/** Opens the queue on tables created by `queueMigrations`. */
export function createKyselyJobQueue(options: KyselyJobQueueOptions): JobQueue {
  return new KyselyJobQueue(options)
}

class KyselyJobQueue implements JobQueue {
  readonly #db: Kysely<QueueTables>
  readonly #now: () => number
  readonly #defaultMaxAttempts: number

  constructor(options: KyselyJobQueueOptions) {
    const max = options.defaultMaxAttempts ?? 5
    if (!Number.isInteger(max) || max < 1) {
      throw new ForcebridgeError(
        'INVALID_QUEUE_OPTIONS',
        `defaultMaxAttempts must be a whole number >= 1, got ${String(max)}`,
      )
    }
    this.#db = options.db as Kysely<QueueTables>
    this.#now = options.now ?? Date.now
    this.#defaultMaxAttempts = max
  }

  async enqueue(request: EnqueueRequest): Promise<Job> {
    const req = parseEnqueueRequest(request)
    const now = this.#now()
    const maxAttempts = req.maxAttempts ?? this.#defaultMaxAttempts
    const insert = this.#db.insertInto('queue_jobs').values({
      id: randomUUID(),
      service: req.service,
      input: toJsonText(req.input, 'INVALID_JOB_REQUEST', `input of the job for '${req.service}'`),
      output: null,
      state: 'queued',
      attempts: 0,
      max_attempts: maxAttempts,
      attempt_limit: maxAttempts,
      run_at: req.runAt?.getTime() ?? now,
      locked_until: null,
      lock_token: null,
      idempotency_key: req.idempotencyKey ?? null,
      correlation_id: req.correlationId ?? null,
      last_error_message: null,
      last_error_code: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    if (req.idempotencyKey === undefined) {
      return jobFromRow(await insert.returningAll().executeTakeFirstOrThrow())
    }
    // Insert-or-nothing, then read: atomic against a concurrent enqueue with the same key.
    await insert.onConflict((oc) => oc.column('idempotency_key').doNothing()).execute()
    const row = await this.#db
      .selectFrom('queue_jobs')
      .selectAll()
      .where('idempotency_key', '=', req.idempotencyKey)
      .executeTakeFirstOrThrow()
    return jobFromRow(row)
  }

  async list(options?: ListJobsOptions): Promise<JobPage> {
    const opts = parseListOptions(options)
    const limit = opts.limit ?? 50
    let query = this.#db.selectFrom('queue_jobs').selectAll()
    if (opts.state === 'retrying') {
      query = query.where('state', '=', 'queued').where('attempts', '>', 0)
    } else if (opts.state !== undefined) {
      query = query.where('state', '=', opts.state)
    }
    if (opts.service !== undefined) query = query.where('service', '=', opts.service)
    if (opts.cursor !== undefined) {
      const after = decodeCursor(opts.cursor)
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      )
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      jobs: page.map(jobFromRow),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    }
  }

  async get(id: string): Promise<JobDetail | null> {
    const row = await this.#db
      .selectFrom('queue_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) return null
    const attempts = await this.#db
      .selectFrom('queue_job_attempts')
      .selectAll()
      .where('job_id', '=', id)
      .orderBy('attempt')
      .execute()
    return { ...jobFromRow(row), attemptHistory: attempts.map(attemptFromRow) }
  }

  async retry(id: string): Promise<Job> {
    const now = this.#now()
    const revived = await this.#db
      .updateTable('queue_jobs')
      .set((eb) => ({
        state: 'queued',
        run_at: now,
        attempt_limit: eb('attempts', '+', eb.ref('max_attempts')),
        finished_at: null,
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('state', '=', 'dead')
      .returningAll()
      .executeTakeFirst()
    if (revived) return jobFromRow(revived)
    const hurried = await this.#db
      .updateTable('queue_jobs')
      .set({ run_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .where('attempts', '>', 0)
      .returningAll()
      .executeTakeFirst()
    if (hurried) return jobFromRow(hurried)
    const current = await this.get(id)
    if (!current) {
      throw new ForcebridgeError('JOB_NOT_FOUND', `job ${id} does not exist; list jobs to find it`)
    }
    throw new ForcebridgeError(
      'JOB_NOT_RETRYABLE',
      `job ${id} is ${current.state}${current.state === 'queued' ? ' and has not failed yet' : ''}; ` +
        'only dead jobs and jobs waiting for a retry can be retried',
    )
  }

  async purge(options?: PurgeOptions): Promise<number> {
    const opts = parsePurgeOptions(options)
    const states = opts.state ? [opts.state] : (['succeeded', 'dead'] as const)
    return this.#db.transaction().execute(async (trx) => {
      let doomed = trx.selectFrom('queue_jobs').select('id').where('state', 'in', states)
      if (opts.olderThan) doomed = doomed.where('updated_at', '<', opts.olderThan.getTime())
      await trx.deleteFrom('queue_job_attempts').where('job_id', 'in', doomed).execute()
      let remove = trx.deleteFrom('queue_jobs').where('state', 'in', states)
      if (opts.olderThan) remove = remove.where('updated_at', '<', opts.olderThan.getTime())
      const result = await remove.executeTakeFirst()
      return Number(result.numDeletedRows)
    })
  }

  async stats(): Promise<JobStats> {
    const rows = await this.#db
      .selectFrom('queue_jobs')
      .select((eb) => [
        'state',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('failed'),
      ])
      .groupBy('state')
      .execute()
    const stats: JobStats = { queued: 0, running: 0, succeeded: 0, dead: 0, retrying: 0 }
    for (const row of rows) {
      stats[row.state] = Number(row.count)
      if (row.state === 'queued') stats.retrying = Number(row.failed)
    }
    return stats
  }

  claim(options: { leaseMs: number }): Promise<ClaimedJob | null> {
    return claimNextJob(this.#db, this.#now(), options.leaseMs)
  }

  async extendLease(claim: ClaimedJob, leaseMs: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('queue_jobs')
      .set({ locked_until: this.#now() + leaseMs })
      .where('id', '=', claim.job.id)
      .where('lock_token', '=', claim.token)
      .where('state', '=', 'running')
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  complete(claim: ClaimedJob, output: unknown): Promise<boolean> {
    const text = toJsonText(
      output,
      'JOB_OUTPUT_NOT_SERIALIZABLE',
      `output of job ${claim.job.id} ('${claim.job.service}')`,
    )
    return settleClaim(this.#db, this.#now(), claim, { kind: 'succeeded', output: text })
  }

  fail(claim: ClaimedJob, failure: AttemptFailure): Promise<boolean> {
    return settleClaim(this.#db, this.#now(), claim, { kind: 'failed', failure })
  }
}
