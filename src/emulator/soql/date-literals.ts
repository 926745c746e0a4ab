// SOQL date values as half-open ranges of UTC days: literal dates, datetimes, and relative
// date literals (TODAY, LAST_N_DAYS:n, THIS_MONTH, ...) evaluated against the query's `now`.

const DAY_MS = 86_400_000

/** A half-open range [start, end) in the unit of the field: UTC days (date) or ms (datetime). */
export interface Range {
  start: number
  end: number
}

/** Days since 1970-01-01 for `YYYY-MM-DD` (any time part is ignored), or undefined. */
export function dayNumber(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!m) return undefined
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS
}

/**
 * Milliseconds since the epoch for an ISO-8601 datetime as Salesforce stores or accepts it:
 * `2024-03-20T21:42:13.000+0000`, `...Z`, `...+01:00`; undefined when it is not one.
 */
export function epochMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?(Z|([+-])(\d{2}):?(\d{2}))?$/.exec(
      value,
    )
  if (!m) return undefined
  const ms = Number((m[7] ?? '0').padEnd(3, '0'))
  const base = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  )
  if (m[8] === undefined || m[8] === 'Z') return base
  const shift = (Number(m[10]) * 60 + Number(m[11])) * 60_000
  return m[9] === '+' ? base - shift : base + shift
}

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year'

/** The start (UTC day number) of the unit holding `day`, moved by `k` units. */
function unitStart(day: number, unit: Unit, k: number): number {
  if (unit === 'day') return day + k
  // Salesforce starts weeks on Sunday in the en_US locale; other locales differ (uncertain).
  if (unit === 'week') return day - new Date(day * DAY_MS).getUTCDay() + 7 * k
  const d = new Date(day * DAY_MS)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  if (unit === 'month') return Date.UTC(y, m + k, 1) / DAY_MS
  if (unit === 'quarter') return Date.UTC(y, m - (m % 3) + 3 * k, 1) / DAY_MS
  return Date.UTC(y + k, 0, 1) / DAY_MS
}

const FIXED: Record<string, [Unit, number, number]> = {
  YESTERDAY: ['day', -1, 1],
  TODAY: ['day', 0, 1],
  TOMORROW: ['day', 1, 1],
  LAST_WEEK: ['week', -1, 1],
  THIS_WEEK: ['week', 0, 1],
  NEXT_WEEK: ['week', 1, 1],
  LAST_MONTH: ['month', -1, 1],
  THIS_MONTH: ['month', 0, 1],
  NEXT_MONTH: ['month', 1, 1],
  LAST_QUARTER: ['quarter', -1, 1],
  THIS_QUARTER: ['quarter', 0, 1],
  NEXT_QUARTER: ['quarter', 1, 1],
  LAST_YEAR: ['year', -1, 1],
  THIS_YEAR: ['year', 0, 1],
  NEXT_YEAR: ['year', 1, 1],
}

const UNIT_WORDS: Record<string, Unit> = {
  DAYS: 'day',
  WEEKS: 'week',
  MONTHS: 'month',
  QUARTERS: 'quarter',
  YEARS: 'year',
}

/**
 * The day range of a date literal such as `TODAY` or `LAST_N_DAYS:7`, or undefined when the
 * name is unknown. Fiscal literals use the calendar year (an org's default fiscal year).
 */
export function dateLiteralRange(literal: string, now: Date): Range | undefined {
  const today = Math.floor(now.getTime() / DAY_MS)
  const name = literal.toUpperCase().replace('_FISCAL_', '_')
  const fixed = FIXED[name]
  if (fixed) {
    const [unit, k, len] = fixed
    return { start: unitStart(today, unit, k), end: unitStart(today, unit, k + len) }
  }
  // LAST_90_DAYS includes today, 91 days in all (SOQL docs).
  if (name === 'LAST_90_DAYS') return { start: today - 90, end: today + 1 }
  if (name === 'NEXT_90_DAYS') return { start: today + 1, end: today + 91 }
  const ago = /^N_([A-Z]+)_AGO:(\d+)$/.exec(name)
  const agoUnit = ago ? UNIT_WORDS[ago[1] ?? ''] : undefined
  if (ago && agoUnit) {
    const n = Number(ago[2])
    return { start: unitStart(today, agoUnit, -n), end: unitStart(today, agoUnit, -n + 1) }
  }
  const m = /^(LAST|NEXT)_N_([A-Z]+):(\d+)$/.exec(name)
  const unit = m ? UNIT_WORDS[m[2] ?? ''] : undefined
  if (!m || !unit) return undefined
  const n = Number(m[3])
  if (unit === 'day') {
    // LAST_N_DAYS:n covers today and the n days before it (SOQL docs: LAST_N_DAYS:1 is
    // yesterday and today); NEXT_N_DAYS:n starts tomorrow.
    return m[1] === 'LAST'
      ? { start: today - n, end: today + 1 }
      : { start: today + 1, end: today + 1 + n }
  }
  return m[1] === 'LAST'
    ? { start: unitStart(today, unit, -n), end: unitStart(today, unit, 0) }
    : { start: unitStart(today, unit, 1), end: unitStart(today, unit, 1 + n) }
}

/** Converts a day range to milliseconds, for datetime fields. */
export function daysToMs(range: Range): Range {
  return { start: range.start * DAY_MS, end: range.end * DAY_MS }
}
