// The scheduler's table (scheduler_schedules): schedules added, read, changed and removed, and
// the compare-and-set that lets exactly one checker, in any process, claim a schedule's due runs.
// Rows in, rows out: the scheduler (src/runtime/scheduler/) owns validation and cron arithmetic.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'
import type { ScheduleRow } from './job-schema.js'

/** The columns a caller sets; `name` and `created_at` never change. */
export type ScheduleChanges = Partial<Omit<ScheduleRow, 'name' | 'created_at'>>

export class ScheduleRepository {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  find(name: string): Promise<ScheduleRow | undefined> {
    return this.#db
      .selectFrom('scheduler_schedules')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
  }

  /** By name; only the enabled ones with `enabledOnly`. */
  list(options: { enabledOnly?: boolean } = {}): Promise<ScheduleRow[]> {
    let query = this.#db.selectFrom('scheduler_schedules').selectAll()
    if (options.enabledOnly) query = query.where('enabled', '=', 1)
    return query.orderBy('name').execute()
  }

  async insert(row: ScheduleRow): Promise<void> {
    await this.#db.insertInto('scheduler_schedules').values(row).execute()
  }

  async update(name: string, changes: ScheduleChanges): Promise<void> {
    await this.#db
      .updateTable('scheduler_schedules')
      .set(changes)
      .where('name', '=', name)
      .execute()
  }

  /** True when there was such a schedule. */
  async remove(name: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('scheduler_schedules')
      .where('name', '=', name)
      .executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /**
   * Switches a schedule on or off, only when that changes it: enabling starts the count at
   * `now` (runs due while it was off are not missed runs), enabling twice changes nothing.
   */
  async setEnabled(name: string, enabled: boolean, now: number): Promise<void> {
    await this.#db
      .updateTable('scheduler_schedules')
      .set(
        enabled ? { enabled: 1, due_after: now, updated_at: now } : { enabled: 0, updated_at: now },
      )
      .where('name', '=', name)
      .where('enabled', '=', enabled ? 0 : 1)
      .execute()
  }

  /**
   * Claims the runs of an enabled schedule up to `dueAfter`, provided nobody moved its
   * `due_after` from `expectedDueAfter` meanwhile; true for exactly one of several claimers.
   */
  async claimRuns(
    name: string,
    expectedDueAfter: number,
    claim: { dueAfter: number; lastRunAt: number | undefined },
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('scheduler_schedules')
      .set({
        due_after: claim.dueAfter,
        ...(claim.lastRunAt !== undefined ? { last_run_at: claim.lastRunAt } : {}),
      })
      .where('name', '=', name)
      .where('due_after', '=', expectedDueAfter)
      .where('enabled', '=', 1)
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }
}
