// SOQL date functions (CALENDAR_YEAR(CloseDate), DAY_ONLY(CreatedDate), ...) usable in WHERE,
// GROUP BY, HAVING, ORDER BY and aggregate SELECT lists. Salesforce evaluates datetimes in the
// user's time zone; the emulator's users are all on UTC.

import type { FieldDef } from '../model/index.js'
import { dayNumber, epochMs } from './date-literals.js'

const DAY_MS = 86_400_000

type Part = (d: Date) => number | string

const dayOfYear = (d: Date) =>
  Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1

// Fiscal functions use the calendar year: an org's default fiscal year starts in January.
const PARTS: Record<string, Part> = {
  CALENDAR_MONTH: (d) => d.getUTCMonth() + 1,
  CALENDAR_QUARTER: (d) => Math.floor(d.getUTCMonth() / 3) + 1,
  CALENDAR_YEAR: (d) => d.getUTCFullYear(),
  DAY_IN_MONTH: (d) => d.getUTCDate(),
  DAY_IN_WEEK: (d) => d.getUTCDay() + 1,
  DAY_IN_YEAR: dayOfYear,
  DAY_ONLY: (d) => d.toISOString().slice(0, 10),
  FISCAL_MONTH: (d) => d.getUTCMonth() + 1,
  FISCAL_QUARTER: (d) => Math.floor(d.getUTCMonth() / 3) + 1,
  FISCAL_YEAR: (d) => d.getUTCFullYear(),
  HOUR_IN_DAY: (d) => d.getUTCHours(),
  WEEK_IN_MONTH: (d) => Math.floor((d.getUTCDate() - 1) / 7) + 1,
  WEEK_IN_YEAR: (d) => Math.floor((dayOfYear(d) - 1) / 7) + 1,
}

export interface DateFunction {
  /** The function applied to a stored date or datetime value; null for null. */
  apply: (value: unknown) => number | string | null
  /** The type of the result, for comparisons and sorting. */
  field: FieldDef
}

/** The named date function over `source`, or undefined when the name is not one. */
export function dateFunction(name: string, source: FieldDef): DateFunction | undefined {
  const upper = name.toUpperCase()
  const part = PARTS[upper]
  if (!part) return undefined
  const toMs = source.type === 'date' ? (v: unknown) => (dayNumber(v) ?? NaN) * DAY_MS : epochMs
  return {
    apply: (value) => {
      const ms = toMs(value)
      return ms === undefined || Number.isNaN(ms) ? null : part(new Date(ms))
    },
    field: { ...source, name: upper, type: upper === 'DAY_ONLY' ? 'date' : 'int' },
  }
}
