// Cron schedules kept in the database, fired through the durable queue. Each run is enqueued
// with the idempotency key `schedule:<name>:<run time>`, so a run reaches the queue once.
import type { Kysely } from 'kysely'
import { ForcebridgeError } from '../../util/index.js'
import type { EnqueueRequest } from '../queue/index.js'
import { dueRuns } from './due-runs.js'
import type { Schedule, ScheduleDefinition, ScheduledRun } from './schedule.js'
import { systemClock, type SchedulerClock } from './scheduler-clock.js'
import {
  cronOf,
  parseDefinition,
  scheduleFromRow,
  type SchedulerSchedulesTable,
  type SchedulerTables,
} from './schedule-rows.js'

export interface SchedulerOptions {
  /** A Kysely whose database has run `schedulerMigrations`. */
  db: Kysely<any> // eslint-disable-line @typescript-eslint/no-explicit-any -- the store's own DB type does not list our table
  /** Hands a run to the queue, e.g. `(request) => queue.enqueue(request)`. */
  enqueue: (request: EnqueueRequest) => Promise<unknown>
  /** Default: the system clock. */
  clock?: SchedulerClock
  /** How late a run may fire and still count as on time. Default 60,000 ms. */
  graceMs?: number
  /** Longest sleep between checks, so schedules added by another process are seen. Default 30,000 ms. */
  maxSleepMs?: number
  /** Told when a run could not be enqueued (it is tried again on the next check). Default: console.error. */
  onError?: (error: unknown) => void
}

export interface Scheduler {
  /** Adds a schedule; with `replace`, overwrites one of the same name and keeps its history. */
  add(definition: ScheduleDefinition, options?: { replace?: boolean }): Promise<Schedule>
  list(): Promise<Schedule[]>
  get(name: string): Promise<Schedule | null>
  /** True when there was such a schedule. */
  remove(name: string): Promise<boolean>
  /** Enabling counts from now: runs that fell due while disabled are not missed runs. */
  enable(name: string, enabled?: boolean): Promise<Schedule>
  /** Fires every due run now (the missed-run policy applies to late ones); returns them. */
  tick(): Promise<ScheduledRun[]>
  /** Fires what is due (including runs missed while down), then keeps firing on time. */
  start(): Promise<void>
  /** Stops the timer and waits for a check in progress. */
  stop(): Promise<void>
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new DatabaseScheduler(options)
}

class DatabaseScheduler implements Scheduler {
  readonly #db: Kysely<SchedulerTables>
  readonly #enqueue: SchedulerOptions['enqueue']
  readonly #clock: SchedulerClock
  readonly #graceMs: number
  readonly #maxSleepMs: number
  readonly #onError: (error: unknown) => void
  #running = false
  #timer: unknown = null
  #ticking: Promise<unknown> = Promise.resolve()

  constructor(options: SchedulerOptions) {
    this.#db = options.db as Kysely<SchedulerTables>
    this.#enqueue = options.enqueue
    this.#clock = options.clock ?? systemClock
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

  async add(definition: ScheduleDefinition, options?: { replace?: boolean }): Promise<Schedule> {
    const def = parseDefinition(definition)
    const now = this.#clock.now()
    const fields = {
      cron: def.cron,
      timezone: def.timezone ?? null,
      service: def.service,
      input: JSON.stringify(def.input ?? null),
      enabled: def.enabled ? 1 : 0,
      missed_run_policy: def.missedRunPolicy,
      max_catch_up: def.maxCatchUp,
      updated_at: now,
    }
    const existing = await this.#row(def.name)
    if (existing && !options?.replace) {
      throw new ForcebridgeError(
        'SCHEDULE_EXISTS',
        `schedule '${def.name}' already exists; remove it first or add with replace`,
      )
    }
    if (existing) {
      // Re-enabling through a replace counts from now, like enable().
      const dueAfter = !Number(existing.enabled) && def.enabled ? now : Number(existing.due_after)
      await this.#db
        .updateTable('scheduler_schedules')
        .set({ ...fields, due_after: dueAfter })
        .where('name', '=', def.name)
        .execute()
    } else {
      await this.#db
        .insertInto('scheduler_schedules')
        .values({ name: def.name, ...fields, due_after: now, last_run_at: null, created_at: now })
        .execute()
    }
    this.#rearm()
    return this.#getOrThrow(def.name)
  }

  async list(): Promise<Schedule[]> {
    const rows = await this.#db
      .selectFrom('scheduler_schedules')
      .selectAll()
      .orderBy('name')
      .execute()
    const now = this.#clock.now()
    return rows.map((row) => scheduleFromRow(row, now))
  }

  async get(name: string): Promise<Schedule | null> {
    const row = await this.#row(name)
    return row ? scheduleFromRow(row, this.#clock.now()) : null
  }

  async remove(name: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('scheduler_schedules')
      .where('name', '=', name)
      .executeTakeFirst()
    this.#rearm()
    return result.numDeletedRows > 0n
  }

  async enable(name: string, enabled = true): Promise<Schedule> {
    const now = this.#clock.now()
    // Only a change from disabled to enabled restarts the count; enabling twice changes nothing.
    await this.#db
      .updateTable('scheduler_schedules')
      .set(
        enabled ? { enabled: 1, due_after: now, updated_at: now } : { enabled: 0, updated_at: now },
      )
      .where('name', '=', name)
      .where('enabled', '=', enabled ? 0 : 1)
      .execute()
    this.#rearm()
    return this.#getOrThrow(name)
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
    const rows = await this.#db
      .selectFrom('scheduler_schedules')
      .selectAll()
      .where('enabled', '=', 1)
      .execute()
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

  async #fire(row: SchedulerSchedulesTable): Promise<ScheduledRun[]> {
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
    const lastFired = fire[fire.length - 1]?.at
    // Record first, then enqueue: the compare-and-set on due_after lets only one checker (in
    // this process or another) own these runs.
    const claimed = await this.#db
      .updateTable('scheduler_schedules')
      .set({ due_after: latestDue, ...(lastFired !== undefined ? { last_run_at: lastFired } : {}) })
      .where('name', '=', row.name)
      .where('due_after', '=', dueAfter)
      .where('enabled', '=', 1)
      .executeTakeFirst()
    if (claimed.numUpdatedRows === 0n) return []
    const runs: ScheduledRun[] = []
    for (const [index, due] of fire.entries()) {
      const run = runOf(row, due.at, due.missed)
      try {
        await this.#enqueue({
          service: row.service,
          input: JSON.parse(row.input) as unknown,
          idempotencyKey: run.idempotencyKey,
          correlationId: run.idempotencyKey,
        })
        runs.push(run)
      } catch (error) {
        // Give the runs not enqueued back, so the next check tries them again.
        await this.#db
          .updateTable('scheduler_schedules')
          .set({ due_after: due.at - 1, last_run_at: fire[index - 1]?.at ?? row.last_run_at })
          .where('name', '=', row.name)
          .where('due_after', '=', latestDue)
          .execute()
        this.#onError(
          new ForcebridgeError(
            'SCHEDULE_ENQUEUE_FAILED',
            `schedule '${row.name}': run of ${run.runAt.toISOString()} could not be enqueued; ` +
              'it will be tried again on the next check',
            { cause: error },
          ),
        )
        break
      }
    }
    return runs
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

  async #row(name: string): Promise<SchedulerSchedulesTable | undefined> {
    return this.#db
      .selectFrom('scheduler_schedules')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
  }

  async #getOrThrow(name: string): Promise<Schedule> {
    const schedule = await this.get(name)
    if (!schedule) {
      throw new ForcebridgeError(
        'SCHEDULE_NOT_FOUND',
        `schedule '${name}' does not exist; list schedules to find it`,
      )
    }
    return schedule
  }
}

function runOf(row: SchedulerSchedulesTable, at: number, missed: boolean): ScheduledRun {
  const runAt = new Date(at)
  return {
    schedule: row.name,
    service: row.service,
    runAt,
    idempotencyKey: `schedule:${row.name}:${runAt.toISOString()}`,
    missed,
  }
}
