// Runs queued jobs through a handler, a few at a time, under leases that it keeps renewing while
// the handler works. Works with any JobQueue backend; delivery is at-least-once.
import { z } from 'zod'
import { ForcebridgeError } from '../../util/index.js'
import { backoffDelay, type BackoffOptions } from './backoff-delay.js'
import type { ClaimedJob, Job } from './job.js'
import type { JobQueue } from './job-queue.js'

/**
 * Runs one job. The signal aborts when the worker lost the job's lease (another worker may now
 * run it), so long handlers should pass it on to their calls. Throw an error whose `retryable`
 * is `false` to make the job dead at once; a string `code` on the error is recorded.
 */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<unknown>

export interface WorkerOptions {
  queue: JobQueue
  handler: JobHandler
  /** Jobs run at the same time. Default 4. */
  concurrency?: number
  /** Wait between polls when no job is due. Default 500 ms. */
  pollMs?: number
  /** Lease length; renewed every third of it while the handler runs. Default 30,000 ms. */
  leaseMs?: number
  /** Retry delays. Default base 1,000 ms, max 300,000 ms. */
  backoff?: BackoffOptions
  /** Source of jitter, 0 <= x < 1. Default Math.random. */
  random?: () => number
  /** Told about failures of the queue itself (not of handlers). Default: console.error. */
  onError?: (error: unknown) => void
  /** Told how each recorded attempt ended, for logs and metrics (job outcomes). */
  onAttempt?: (event: AttemptEvent) => void
}

/** One attempt as the worker recorded it. */
export interface AttemptEvent {
  job: Job
  attempt: number
  /** `retry` and `dead` carry the error; `retry` also the delay before the next attempt. */
  outcome: 'succeeded' | 'retry' | 'dead'
  durationMs: number
  error?: { message: string; code: string | null }
  retryInMs?: number
}

export interface Worker {
  /** Stops claiming jobs and resolves once every running job has finished and been recorded. */
  stop(): Promise<void>
}

const optionsSchema = z.object({
  concurrency: z.number().int().min(1).max(1000).default(4),
  pollMs: z.number().int().min(1).default(500),
  leaseMs: z.number().int().min(30).default(30_000),
  backoff: z
    .object({ baseMs: z.number().min(0), maxMs: z.number().min(0) })
    .default({ baseMs: 1_000, maxMs: 300_000 }),
})

/** What the worker records of a handler's error. */
export function describeJobError(error: unknown): {
  message: string
  code: string | null
  retryable: boolean
} {
  const fields =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {}
  return {
    message: error instanceof Error ? error.message : String(error),
    code: typeof fields.code === 'string' ? fields.code : null,
    retryable: fields.retryable !== false,
  }
}

/**
 * Starts polling `queue` and running due jobs.
 *
 * @example
 * const worker = startWorker({ queue, handler: (job) => services.invoke(job.service, job.input) })
 * process.on('SIGTERM', () => void worker.stop())
 */
export function startWorker(options: WorkerOptions): Worker {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new ForcebridgeError('INVALID_WORKER_OPTIONS', `startWorker: ${issues}`)
  }
  const { concurrency, pollMs, leaseMs, backoff } = parsed.data
  const { queue, handler } = options
  const random = options.random ?? Math.random
  const onError = options.onError ?? ((error: unknown) => console.error('job worker:', error))
  const onAttempt = options.onAttempt ?? (() => undefined)
  const running = new Set<Promise<void>>()
  let stopping = false
  let wake: (() => void) | null = null

  const pause = (ms: number | null) =>
    new Promise<void>((resolve) => {
      const timer = ms === null ? null : setTimeout(done, ms)
      function done() {
        if (timer) clearTimeout(timer)
        wake = null
        resolve()
      }
      wake = done
    })

  async function runOne(claim: ClaimedJob): Promise<void> {
    const controller = new AbortController()
    let renewing = false
    const renew = setInterval(
      () => {
        if (renewing) return
        renewing = true
        queue
          .extendLease(claim, leaseMs)
          .then((held) => {
            if (!held) controller.abort(leaseLost(claim))
          })
          .catch(onError)
          .finally(() => (renewing = false))
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    )
    let outcome: { ok: true; output: unknown } | { ok: false; error: unknown }
    const started = performance.now()
    try {
      outcome = { ok: true, output: await handler(claim.job, controller.signal) }
    } catch (error) {
      outcome = { ok: false, error }
    } finally {
      clearInterval(renew)
    }
    // A lost lease means another worker owns the job now; its record is theirs to write.
    if (controller.signal.aborted) return
    const report = (event: Pick<AttemptEvent, 'outcome' | 'error' | 'retryInMs'>) => {
      try {
        onAttempt({
          job: claim.job,
          attempt: claim.attempt,
          durationMs: performance.now() - started,
          ...event,
        })
      } catch (error) {
        onError(error)
      }
    }
    try {
      if (outcome.ok) {
        try {
          if (await queue.complete(claim, outcome.output)) {
            report({ outcome: 'succeeded' })
          }
          return
        } catch (error) {
          if (!(
            error instanceof ForcebridgeError && error.code === 'JOB_OUTPUT_NOT_SERIALIZABLE'
          )) {
            throw error
          }
          outcome = { ok: false, error: Object.assign(error, { retryable: false }) }
        }
      }
      const failure = describeJobError(outcome.error)
      const canRetry = failure.retryable && claim.attempt < claim.job.attemptLimit
      const retryInMs = canRetry ? backoffDelay(claim.attempt, backoff, random) : null
      const error = { message: failure.message, code: failure.code }
      if (await queue.fail(claim, { ...error, retryInMs })) {
        report(
          retryInMs === null ? { outcome: 'dead', error } : { outcome: 'retry', error, retryInMs },
        )
      }
    } catch (error) {
      // Not recorded: the lease will expire and the job will run again (at-least-once).
      onError(error)
    }
  }

  const loop = (async () => {
    while (!stopping) {
      if (running.size >= concurrency) {
        // A finishing job calls wake(); nothing can finish before pause() has set it.
        await pause(null)
        continue
      }
      let claim: ClaimedJob | null = null
      try {
        claim = await queue.claim({ leaseMs })
      } catch (error) {
        onError(error)
      }
      if (!claim) {
        await pause(pollMs)
        continue
      }
      const task: Promise<void> = runOne(claim).finally(() => {
        running.delete(task)
        wake?.()
      })
      running.add(task)
    }
  })()

  return {
    async stop() {
      stopping = true
      wake?.()
      await loop
      await Promise.all([...running])
    },
  }
}

function leaseLost(claim: ClaimedJob): ForcebridgeError {
  return new ForcebridgeError(
    'JOB_LEASE_LOST',
    `job ${claim.job.id} ('${claim.job.service}') attempt ${claim.attempt} lost its lease; ` +
      'another worker may run it, so this attempt stops',
  )
}
