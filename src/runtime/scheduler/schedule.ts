// The shapes of a cron schedule: what a caller defines, and what the scheduler shows back.

/**
 * What to do with runs that fell due while the process was down (or stalled) for longer than
 * the grace period: drop them, fire the latest one once, or fire them all (bounded).
 */
export type MissedRunPolicy = 'skip' | 'run-once' | 'run-all'

export interface ScheduleDefinition {
  /** Unique; part of every run's idempotency key. Letters, digits, space and `._:-`. */
  name: string
  /** A croner pattern: 5 fields (minute precision) or 6 (seconds first), e.g. `0 2 * * *`. */
  cron: string
  /** IANA time zone the pattern is read in, e.g. `Europe/Paris`. Default: UTC. */
  timezone?: string
  /** Service each run invokes through the queue. */
  service: string
  /** JSON input of every run. Default null. */
  input?: unknown
  /** Default true. */
  enabled?: boolean
  /** Default `skip`. */
  missedRunPolicy?: MissedRunPolicy
  /** Most missed runs that `run-all` fires (the latest ones). Default 100. */
  maxCatchUp?: number
}

export interface Schedule {
  name: string
  cron: string
  timezone: string | null
  service: string
  input: unknown
  enabled: boolean
  missedRunPolicy: MissedRunPolicy
  maxCatchUp: number
  /** Scheduled time of the last run handed to the queue. */
  lastRunAt: Date | null
  /** Next time it will fire; null when disabled or the pattern has no future run. */
  nextRunAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** One run the scheduler handed to the queue. */
export interface ScheduledRun {
  schedule: string
  service: string
  /** The scheduled time (not the time it was fired). */
  runAt: Date
  /** `schedule:<name>:<ISO run time>`, so the queue keeps one job per run. */
  idempotencyKey: string
  /** True when it was fired late under the missed-run policy. */
  missed: boolean
}
