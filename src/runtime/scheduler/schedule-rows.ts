// Validation of schedule definitions, and the mapping from the scheduler's rows
// (src/store/job-schema.ts) to the Schedule shape.
import { Cron } from 'croner'
import { z } from 'zod'
import type { ScheduleRow } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { Schedule, ScheduleDefinition } from './schedule.js'

const definitionSchema = z.object({
  name: z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]*$/, 'use letters, digits, space and ._:- only'),
  cron: z.string().min(1).max(200),
  timezone: z
    .string()
    .refine(isTimeZone, 'not an IANA time zone such as Europe/Paris or UTC')
    .optional(),
  service: z.string().min(1).max(200),
  input: z.unknown().optional(),
  enabled: z.boolean().default(true),
  missedRunPolicy: z.enum(['skip', 'run-once', 'run-all']).default('skip'),
  maxCatchUp: z.number().int().min(1).max(10_000).default(100),
})

export type ValidDefinition = z.infer<typeof definitionSchema>

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** Validates a definition (including its cron pattern) or throws INVALID_SCHEDULE. */
export function parseDefinition(definition: ScheduleDefinition): ValidDefinition {
  const result = definitionSchema.safeParse(definition)
  if (!result.success) {
    const issues = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')
    throw new ForcebridgeError('INVALID_SCHEDULE', `schedule rejected: ${issues}`)
  }
  try {
    cronOf(result.data.cron, result.data.timezone ?? null)
  } catch (cause) {
    throw new ForcebridgeError(
      'INVALID_SCHEDULE',
      `schedule '${result.data.name}': cron pattern '${result.data.cron}' is invalid ` +
        `(${cause instanceof Error ? cause.message : 'unreadable'}); use 5 fields such as '0 2 * * *'`,
      { cause },
    )
  }
  if (JSON.stringify(result.data.input ?? null) === undefined) {
    throw new ForcebridgeError(
      'INVALID_SCHEDULE',
      `schedule '${result.data.name}': input cannot be stored as JSON; use plain data`,
    )
  }
  return result.data
}

/** A croner pattern calculator only: without a callback, croner starts no timer. */
export function cronOf(pattern: string, timezone: string | null): Cron {
  return new Cron(pattern, { timezone: timezone ?? 'UTC', mode: '5-or-6-parts' })
}

export function scheduleFromRow(row: ScheduleRow, now: number): Schedule {
  const enabled = Number(row.enabled) === 1
  const from = Math.max(Number(row.due_after), now)
  const next = enabled ? nextRunOf(row, from) : null
  return {
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    service: row.service,
    input: JSON.parse(row.input) as unknown,
    enabled,
    missedRunPolicy: row.missed_run_policy,
    maxCatchUp: Number(row.max_catch_up),
    lastRunAt: row.last_run_at === null ? null : new Date(Number(row.last_run_at)),
    nextRunAt: next,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  }
}

/** Null also for a row this runtime cannot read (a zone it does not know), so lists still work. */
function nextRunOf(row: ScheduleRow, from: number): Date | null {
  try {
    return cronOf(row.cron, row.timezone).nextRun(new Date(from))
  } catch {
    return null
  }
}
