// Cron schedules kept in the store, fired through the durable queue. Each check claims a
// schedule's due runs and enqueues them in one transaction, so a run reaches the queue exactly
// once however many processes check; its idempotency key is `schedule:<name>:<run time>`.
import type { ScheduleRow, StoreScope } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { EnqueueRequest } from '../queue/index.js'
import { dueRuns } from './due-runs.js'
import { ScheduleBook, type Schedules } from './schedule-book.js'
import type { Schedule, ScheduleDefinition, ScheduledRun } from './schedule.js'
import { systemClock, type SchedulerClock } from './scheduler-clock.js'
import { cronOf } from './schedule-rows.js'

export interface SchedulerOptions {
  /** The store that keeps the schedules (and, usually, the queue). */
  store: StoreScope
  /**
   * Hands a run to the queue inside the transaction that claimed it, e.g.
   * `(request, tx) => queue.within(tx).enqueue(request)`: a failure rolls the claim back.
   */
  enqueue: (request: EnqueueRequest, tx: StoreScope) => Promise<unknown>
  /** Default: the system clock. */
  clock?: SchedulerClock
  /** How late a run may fire and still count as on time. Default 60,000 ms. */
  graceMs?: number
  /** Longest sleep between checks, so schedules added by another process are seen. Default 30,000 ms. */
  maxSleepMs?: number
  /** Told when a run could not be enqueued (it is tried again on the next check). Default: console.error. */
  onError?: (error: unknown) => void
}

export interface Scheduler extends Schedules {
  /** Fires every due run now (the missed-run policy applies to late ones); returns them. */
  tick(): Promise<ScheduledRun[]>
  /** Fires what is due (including runs missed while down), then keeps firing on time. */
  start(): Promise<void>
  /** Stops the timer and waits for a check in progress. */
  stop(): Promise<void>
  /** The schedules inside a store transaction (a config import that must apply as a whole). */
  within(tx: StoreScope): Schedules
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new DatabaseScheduler(options)
}

class DatabaseScheduler implements Scheduler {
  readonly #store: StoreScope
  readonly #book: ScheduleBook
  readonly #enqueue: SchedulerOptions['enqueue']
  readonly #clock: SchedulerClock
  readonly #graceMs: number
  readonly #maxSleepMs: number
  readonly #onError: (error: unknown) => void
  #running = false
  #timer: unknown = null
  #ticking: Promise<unknown> = Promise.resolve()

  constructor(options: SchedulerOptions) {
    this.#store = options.store
    this.#enqueue = options.enqueue
    this.#clock = options.clock ?? systemClock
    this.#book = new ScheduleBook(options.store, this.#clock, () => this.#rearm())
    this.#graceMs = options.graceMs ?? 60_000
    this.#maxSleepMs = options.maxSleepMs ?? 30_000
    this.#onError = options.onError ?? ((error) => console.error('scheduler:', error))
    for (const [field, value] of [
      ['graceMs', this.#graceMs],
      ['maxSleepMs', this.#maxSleepMs],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new ForcebridgeError(
          'INVALID_SCHEDULER_OPTIONS',
          `${field} must be >= 0, got ${value}`,
        )
      }
    }
  }

  add(definition: ScheduleDefinition, options?: { replace?: boolean }): Promise<Schedule> {
    return this.#book.add(definition, options)
  }

  list(): Promise<Schedule[]> {
    return this.#book.list()
  }

  get(name: string): Promise<Schedule | null> {
    return this.#book.get(name)
  }

  remove(name: string): Promise<boolean> {
    return this.#book.remove(name)
  }

  enable(name: string, enabled = true): Promise<Schedule> {
    return this.#book.enable(name, enabled)
  }

  within(tx: StoreScope): Schedules {
    return new ScheduleBook(tx, this.#clock)
  }

  tick(): Promise<ScheduledRun[]> {
    // Checks never overlap, so one process never fires a run twice.
    const next = this.#ticking.then(() => this.#check())
    this.#ticking = next.catch(() => undefined)
    return next
  }

  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    await this.#tickAndArm()
  }

  async stop(): Promise<void> {
    this.#running = false
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer)
    this.#timer = null
    await this.#ticking
  }

  async #check(): Promise<ScheduledRun[]> {
    const rows = await this.#store.schedules.list({ enabledOnly: true })
    const fired: ScheduledRun[] = []
    for (const row of rows) {
      // One broken schedule must not hold up the others.
      try {
        fired.push(...(await this.#fire(row)))
      } catch (error) {
        this.#onError(error)
      }
    }
    return fired
  }

  async #fire(row: ScheduleRow): Promise<ScheduledRun[]> {
    const now = this.#clock.now()
    const dueAfter = Number(row.due_after)
    const { fire, latestDue } = dueRuns({
      cron: cronOf(row.cron, row.timezone),
      dueAfter,
      now,
      graceMs: this.#graceMs,
      policy: row.missed_run_policy,
      maxCatchUp: Number(row.max_catch_up),
    })
    if (latestDue === null) return []
    // The claim (a compare-and-set on due_after, so one checker in any process owns these runs)
    // and the enqueues commit together: a crash or a failed enqueue in between leaves both undone,
    // and the next check fires the same runs with the same keys.
    return this.#store.transaction(async (tx) => {
      const claimed = await tx.schedules.claimRuns(row.name, dueAfter, {
        dueAfter: latestDue,
        lastRunAt: fire[fire.length - 1]?.at,
      })
      if (!claimed) return []
      const runs: ScheduledRun[] = []
      for (const due of fire) {
        const run = runOf(row, due.at, due.missed)
        try {
          await this.#enqueue(
            {
              service: row.service,
              input: JSON.parse(row.input) as unknown,
              idempotencyKey: run.idempotencyKey,
              correlationId: run.idempotencyKey,
            },
            tx,
          )
        } catch (error) {
          // Thrown, so the transaction rolls the claim back; #check reports it.
          throw new ForcebridgeError(
            'SCHEDULE_ENQUEUE_FAILED',
            `schedule '${row.name}': run of ${run.runAt.toISOString()} could not be enqueued; ` +
              'it will be tried again on the next check',
            { cause: error },
          )
        }
        runs.push(run)
      }
      return runs
    })
  }

  async #tickAndArm(): Promise<void> {
    try {
      await this.tick()
    } catch (error) {
      this.#onError(error)
    }
    await this.#arm()
  }

  #rearm(): void {
    if (this.#running) void this.#arm()
  }

  async #arm(): Promise<void> {
    if (!this.#running) return
    let delay = this.#maxSleepMs
    try {
      const now = this.#clock.now()
      for (const schedule of await this.list()) {
        if (schedule.nextRunAt) delay = Math.min(delay, schedule.nextRunAt.getTime() - now)
      }
    } catch (error) {
      this.#onError(error)
    }
    if (!this.#running) return
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer)
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = null
        void this.#tickAndArm()
      },
      Math.max(0, delay),
    )
  }
}

function runOf(row: ScheduleRow, at: number, missed: boolean): ScheduledRun {
  const runAt = new Date(at)
  return {
    schedule: row.name,
    service: row.service,
    runAt,
    idempotencyKey: `schedule:${row.name}:${runAt.toISOString()}`,
    missed,
  }
}
