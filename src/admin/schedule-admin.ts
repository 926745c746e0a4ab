// The contract the admin needs from a scheduler: list with the next run, add, remove. The
// scheduler (src/runtime/scheduler/) or a small adapter over it fulfils it.

export interface ScheduleView {
  id: string
  /** A croner expression, e.g. `0 6 * * *`. */
  cron: string
  service: string
  input: unknown
  /** When it runs next, or null when it will not run again. */
  nextRunAt: Date | null
  /** IANA time zone of the expression, when not the server's. */
  timezone?: string
}

export interface ScheduleInput {
  cron: string
  service: string
  input: unknown
  timezone?: string
}

export interface ScheduleAdmin {
  list(): Promise<ScheduleView[]>
  /** Throws a ForcebridgeError with an INVALID_* code for a bad expression or service. */
  add(input: ScheduleInput): Promise<ScheduleView>
  /** Throws SCHEDULE_NOT_FOUND when there is no such schedule. */
  remove(id: string): Promise<void>
}
