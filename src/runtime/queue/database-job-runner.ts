// The runner of the database backend: polls the store for due jobs, holds each under a lease it
// renews while the handler works, takes back the jobs of runners that stopped renewing, and
// records each attempt as the retry policy decides. Delivery is at-least-once.
import { z } from 'zod'
import type { JobClaim, QueueJobRow, Store } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { Job } from './job.js'
import { toJsonText } from './job-request-schemas.js'
import { jobFromRow } from './job-rows.js'
import type { AttemptEvent, JobHandler, JobRunner, JobRunnerOptions } from './job-runner.js'
import { LEASE_EXPIRED, type RetryPolicy } from './retry-policy.js'

const optionsSchema = z.object({
  concurrency: z.number().int().min(1).max(1000).default(4),
  pollMs: z.number().int().min(1).default(500),
  leaseMs: z.number().int().min(30).default(30_000),
})

const LEASE_EXPIRED_MESSAGE =
  'the runner of this attempt stopped renewing its lease (process killed or stalled)'

export interface RunnerSettings {
  now: () => number
  retryPolicy: RetryPolicy
}

export class DatabaseJobRunner implements JobRunner {
  readonly #store: Store
  readonly #now: () => number
  readonly #policy: RetryPolicy
  readonly #concurrency: number
  readonly #pollMs: number
  readonly #leaseMs: number
  readonly #onError: (error: unknown) => void
  readonly #onAttempt: (event: AttemptEvent) => void
  readonly #running = new Set<Promise<void>>()
  /** Tokens of the claims this runner's handlers hold right now. */
  readonly #held = new Set<string>()
  #loop: Promise<void> | undefined
  #stopping = false
  #wake: (() => void) | null = null
  /** Counts passes of the loop, so a drain waits for a pass that began after it was asked. */
  #pass = 0
  #drains: { after: number; resolve: () => void }[] = []
  #lastRecovery = -Infinity
  /** Whether the last pass found no job to claim. */
  #idle = true
  /** Counts attempts that ended: one that ends during a pass may have queued its retry. */
  #ended = 0

  constructor(store: Store, settings: RunnerSettings, options: JobRunnerOptions) {
    const parsed = optionsSchema.safeParse(options)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
      throw new ForcebridgeError(
        'INVALID_WORKER_OPTIONS',
        `the job runner rejected its options: ${issues.join('; ')}`,
      )
    }
    this.#store = store
    this.#now = settings.now
    this.#policy = settings.retryPolicy
    ;({
      concurrency: this.#concurrency,
      pollMs: this.#pollMs,
      leaseMs: this.#leaseMs,
    } = parsed.data)
    this.#onError = options.onError ?? ((error: unknown) => console.error('job runner:', error))
    this.#onAttempt = options.onAttempt ?? (() => undefined)
  }

  start(handler: JobHandler): void {
    if (this.#loop) {
      throw new ForcebridgeError(
        'JOB_RUNNER_STARTED',
        'this job runner was started already; create another runner to run more jobs at once',
      )
    }
    this.#loop = this.#run(handler)
  }

  drain(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopping) return resolve()
      this.#drains.push({ after: this.#pass, resolve })
      this.#wake?.()
    })
  }

  async stop(): Promise<void> {
    this.#stopping = true
    this.#wake?.()
    await this.#loop
    await Promise.all([...this.#running])
    for (const drain of this.#drains.splice(0)) drain.resolve()
  }

  async #run(handler: JobHandler): Promise<void> {
    while (!this.#stopping) {
      if (this.#running.size >= this.#concurrency) {
        // A finishing job calls wake(); nothing can finish before pause() has set it.
        await this.#pause(null)
        continue
      }
      const pass = ++this.#pass
      const endedBefore = this.#ended
      let claimed: { row: QueueJobRow; claim: JobClaim } | null = null
      let recovered = false
      try {
        const now = this.#now()
        // Lost leases are looked for when the runner has nothing else to do, and at least twice
        // per lease period while it is busy: sooner would rarely find anything new.
        if (this.#idle || now - this.#lastRecovery >= this.#leaseMs / 2) {
          await this.#recoverLostLeases(now)
          recovered = true
        }
        claimed = await this.#store.jobs.claimNext(now, this.#leaseMs)
      } catch (error) {
        this.#onError(error)
      }
      this.#idle = claimed === null
      if (!claimed) {
        // Drained only when this pass also looked for lost leases (they are due work too), and
        // no attempt ended while it looked: its retry may have been queued after the claim read.
        if (recovered && this.#running.size === 0 && this.#ended === endedBefore) {
          this.#drained(pass)
        }
        await this.#pause(this.#pollMs)
        continue
      }
      const { token } = claimed.claim
      this.#held.add(token)
      const task: Promise<void> = this.#runOne(handler, claimed.row, claimed.claim).finally(() => {
        this.#held.delete(token)
        this.#running.delete(task)
        this.#ended++
        this.#wake?.()
      })
      this.#running.add(task)
    }
  }

  #drained(pass: number): void {
    this.#drains = this.#drains.filter((drain) => {
      if (drain.after >= pass) return true
      drain.resolve()
      return false
    })
  }

  #pause(ms: number | null): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = () => {
        clearTimeout(timer)
        this.#wake = null
        resolve()
      }
      if (ms !== null) timer = setTimeout(done, ms)
      this.#wake = done
    })
  }

  /**
   * Jobs whose runner stopped renewing their lease (killed, hung, cut off) come back through
   * the retry policy like any failed attempt. This runner's own jobs are left alone: their
   * lease ran out because this process stalled, their handler still runs, and the next renewal
   * takes the lease up again unless another runner took the job first.
   */
  async #recoverLostLeases(now: number): Promise<void> {
    this.#lastRecovery = now
    for (const { row, claim } of await this.#store.jobs.expiredLeases(now)) {
      if (this.#held.has(claim.token)) continue
      const lost = new ForcebridgeError(LEASE_EXPIRED, LEASE_EXPIRED_MESSAGE)
      const decision = this.#policy.decide({
        attempt: claim.attempt,
        attemptLimit: Number(row.attempt_limit),
        error: lost,
      })
      // Retried at once, a job keeps its place in line (its run time, due already) rather than
      // waiting behind every job queued since.
      const retryAt = !decision.retry
        ? null
        : decision.delayMs === 0
          ? Math.min(Number(row.run_at), now)
          : now + decision.delayMs
      await this.#store.jobs.settle(
        claim,
        { outcome: 'lease-expired', error: decision.error, retryAt },
        now,
      )
    }
  }

  async #runOne(handler: JobHandler, row: QueueJobRow, claim: JobClaim): Promise<void> {
    const job = jobFromRow(row)
    const controller = new AbortController()
    const renew = this.#keepLease(job, claim, controller)
    let outcome: { ok: true; output: string } | { ok: false; error: unknown }
    const started = performance.now()
    try {
      const returned = await handler(job, controller.signal)
      // Kept as JSON; output that cannot be is a failure the retry policy counts as final.
      const what = `output of job ${job.id} ('${job.service}')`
      outcome = { ok: true, output: toJsonText(returned, 'JOB_OUTPUT_NOT_SERIALIZABLE', what) }
    } catch (error) {
      outcome = { ok: false, error }
    } finally {
      clearInterval(renew)
    }
    // A lost lease means another runner owns the job now; its record is theirs to write.
    if (controller.signal.aborted) return
    const report = (event: Pick<AttemptEvent, 'outcome' | 'error' | 'retryInMs'>) => {
      try {
        this.#onAttempt({
          job,
          attempt: claim.attempt,
          durationMs: performance.now() - started,
          ...event,
        })
      } catch (error) {
        this.#onError(error)
      }
    }
    try {
      if (outcome.ok) {
        const settled = await this.#store.jobs.settle(
          claim,
          { outcome: 'succeeded', output: outcome.output },
          this.#now(),
        )
        if (settled) report({ outcome: 'succeeded' })
        return
      }
      const decision = this.#policy.decide({
        attempt: claim.attempt,
        attemptLimit: job.attemptLimit,
        error: outcome.error,
      })
      const now = this.#now()
      const retryAt = decision.retry ? now + decision.delayMs : null
      const settled = await this.#store.jobs.settle(
        claim,
        { outcome: 'failed', error: decision.error, retryAt },
        now,
      )
      if (settled) {
        report(
          decision.retry
            ? { outcome: 'retry', error: decision.error, retryInMs: decision.delayMs }
            : { outcome: 'dead', error: decision.error },
        )
      }
    } catch (error) {
      // Not recorded: the lease will run out and the job will run again (at-least-once).
      this.#onError(error)
    }
  }

  /** Renews the lease every third of it; aborts the handler's signal once the claim is lost. */
  #keepLease(job: Job, claim: JobClaim, controller: AbortController): NodeJS.Timeout {
    let renewing = false
    return setInterval(
      () => {
        if (renewing) return
        renewing = true
        this.#store.jobs
          .extendLease(claim, this.#now() + this.#leaseMs)
          .then((held) => {
            if (!held) controller.abort(leaseLost(job, claim))
          })
          .catch(this.#onError)
          .finally(() => (renewing = false))
      },
      Math.max(10, Math.floor(this.#leaseMs / 3)),
    )
  }
}

function leaseLost(job: Job, claim: JobClaim): ForcebridgeError {
  return new ForcebridgeError(
    'JOB_LEASE_LOST',
    `job ${job.id} ('${job.service}') attempt ${claim.attempt} lost its lease; ` +
      'another runner may run it, so this attempt stops',
  )
}
