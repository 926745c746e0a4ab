// The one place that decides what happens after a failed attempt: retried after a backoff, or
// moved to the dead letters. Every queue backend's runner asks it; none decides on its own.
import { z } from 'zod'
import { ForcebridgeError } from '../../util/index.js'

/** Error code recorded on an attempt whose runner stopped renewing its lease (killed, hung). */
export const LEASE_EXPIRED = 'JOB_LEASE_EXPIRED'

/**
 * Errors no replay can fix, so their job goes dead at once: the service is gone, its input or
 * output does not match its schema, or its output cannot be stored as JSON.
 */
export const PERMANENT_ERROR_CODES: readonly string[] = [
  'SERVICE_NOT_FOUND',
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'JOB_OUTPUT_NOT_SERIALIZABLE',
]

export interface BackoffOptions {
  /** Delay before the second attempt, before jitter. */
  baseMs: number
  /** Upper bound of any delay. */
  maxMs: number
}

export interface RetryPolicyOptions {
  /** Delays between attempts. Default base 1,000 ms, max 300,000 ms. */
  backoff?: BackoffOptions
  /** Codes that make a job dead at once. Default PERMANENT_ERROR_CODES. */
  permanentCodes?: readonly string[]
  /** Source of jitter, 0 <= x < 1. Default Math.random. */
  random?: () => number
}

/** What the queue records of an error. */
export interface JobError {
  message: string
  code: string | null
}

export interface FailedAttempt {
  /** The attempt that failed, 1-based. */
  attempt: number
  /** The job's attempt budget (`Job.attemptLimit`): no attempt beyond it. */
  attemptLimit: number
  /** What the handler threw (or the lease error of a runner that stopped answering). */
  error: unknown
}

export type RetryDecision =
  { retry: true; delayMs: number; error: JobError } | { retry: false; error: JobError }

const optionsSchema = z.object({
  backoff: z
    .object({ baseMs: z.number().min(0), maxMs: z.number().min(0) })
    .default({ baseMs: 1_000, maxMs: 300_000 }),
  permanentCodes: z.array(z.string()).default([...PERMANENT_ERROR_CODES]),
})

export class RetryPolicy {
  readonly #backoff: BackoffOptions
  readonly #permanent: ReadonlySet<string>
  readonly #random: () => number

  constructor(options: RetryPolicyOptions = {}) {
    const parsed = optionsSchema.safeParse(options)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
      throw new ForcebridgeError(
        'INVALID_QUEUE_OPTIONS',
        `retry policy rejected its options: ${issues.join('; ')}`,
      )
    }
    this.#backoff = Object.freeze({ ...parsed.data.backoff })
    this.#permanent = new Set(parsed.data.permanentCodes)
    this.#random = options.random ?? Math.random
  }

  /**
   * Retry or dead letter, in this order: an error marked `retryable: false` or carrying a
   * permanent code is dead at once; an attempt that used the last of the budget is dead; a lost
   * lease is retried at once (the job did not fail, its process did, and the lease already
   * made it wait); anything else is retried after the backoff delay.
   */
  decide(failed: FailedAttempt): RetryDecision {
    const fields =
      typeof failed.error === 'object' && failed.error !== null
        ? (failed.error as Record<string, unknown>)
        : {}
    const code = typeof fields.code === 'string' ? fields.code : null
    const error = {
      message: failed.error instanceof Error ? failed.error.message : String(failed.error),
      code,
    }
    if (fields.retryable === false || (code !== null && this.#permanent.has(code))) {
      return { retry: false, error }
    }
    if (failed.attempt >= failed.attemptLimit) return { retry: false, error }
    if (code === LEASE_EXPIRED) return { retry: true, delayMs: 0, error }
    return { retry: true, delayMs: this.delayAfter(failed.attempt), error }
  }

  /**
   * The wait after failed attempt `attempt` (1-based): exponential, capped, with "equal jitter"
   * (half of the delay fixed, half random) so that jobs failing together (a Salesforce outage,
   * UNABLE_TO_LOCK_ROW on one record) do not retry in lockstep, and never sooner than half the
   * planned delay.
   *
   * @example new RetryPolicy({ backoff: { baseMs: 1000, maxMs: 60_000 } }).delayAfter(3) // 2000 to 4000
   */
  delayAfter(attempt: number): number {
    const exponent = Math.min(Math.max(attempt - 1, 0), 50)
    const planned = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** exponent)
    return Math.round(planned / 2 + this.#random() * (planned / 2))
  }
}
