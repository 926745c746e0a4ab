// The schedules kept in the store: added (validated), listed with their next run, changed,
// switched on and off, removed. The Scheduler fires them; this only keeps them.
import type { StoreScope } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { Schedule, ScheduleDefinition } from './schedule.js'
import type { SchedulerClock } from './scheduler-clock.js'
import { parseDefinition, scheduleFromRow } from './schedule-rows.js'

/** What callers do with schedules: the Scheduler has these, on the store or in a transaction. */
export interface Schedules {
  /** Adds a schedule; with `replace`, overwrites one of the same name and keeps its history. */
  add(definition: ScheduleDefinition, options?: { replace?: boolean }): Promise<Schedule>
  list(): Promise<Schedule[]>
  get(name: string): Promise<Schedule | null>
  /** True when there was such a schedule. */
  remove(name: string): Promise<boolean>
  /** Enabling counts from now: runs that fell due while disabled are not missed runs. */
  enable(name: string, enabled?: boolean): Promise<Schedule>
}

export class ScheduleBook implements Schedules {
  readonly #scope: StoreScope
  readonly #clock: SchedulerClock
  readonly #changed: () => void

  /** `changed` is called after each change, so a running scheduler re-reads when to wake. */
  constructor(scope: StoreScope, clock: SchedulerClock, changed: () => void = () => undefined) {
    this.#scope = scope
    this.#clock = clock
    this.#changed = changed
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
    const existing = await this.#scope.schedules.find(def.name)
    if (existing && !options?.replace) {
      throw new ForcebridgeError(
        'SCHEDULE_EXISTS',
        `schedule '${def.name}' already exists; remove it first or add with replace`,
      )
    }
    if (existing) {
      // Re-enabling through a replace counts from now, like enable().
      const dueAfter = !Number(existing.enabled) && def.enabled ? now : Number(existing.due_after)
      await this.#scope.schedules.update(def.name, { ...fields, due_after: dueAfter })
    } else {
      await this.#scope.schedules.insert({
        name: def.name,
        ...fields,
        due_after: now,
        last_run_at: null,
        created_at: now,
      })
    }
    this.#changed()
    return this.#getOrThrow(def.name)
  }

  async list(): Promise<Schedule[]> {
    const rows = await this.#scope.schedules.list()
    const now = this.#clock.now()
    return rows.map((row) => scheduleFromRow(row, now))
  }

  async get(name: string): Promise<Schedule | null> {
    const row = await this.#scope.schedules.find(name)
    return row ? scheduleFromRow(row, this.#clock.now()) : null
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.#scope.schedules.remove(name)
    this.#changed()
    return removed
  }

  async enable(name: string, enabled = true): Promise<Schedule> {
    await this.#scope.schedules.setEnabled(name, enabled, this.#clock.now())
    this.#changed()
    return this.#getOrThrow(name)
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
