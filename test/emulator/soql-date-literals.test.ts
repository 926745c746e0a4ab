// SOQL relative date literals as UTC day ranges, against a fixed `now`.
import { describe, expect, it } from 'vitest'
import { dateLiteralRange } from '../../src/emulator/soql/date-literals.js'

// Wednesday 2024-05-15 10:00 UTC.
const NOW = new Date('2024-05-15T10:00:00Z')
const range = (literal: string) => {
  const r = dateLiteralRange(literal, NOW)
  if (!r) throw new Error(`no range for ${literal}`)
  return [
    new Date(r.start * 86_400_000).toISOString().slice(0, 10),
    new Date((r.end - 1) * 86_400_000).toISOString().slice(0, 10),
  ]
}

describe('SOQL date literals', () => {
  it('covers single days', () => {
    expect(range('TODAY')).toEqual(['2024-05-15', '2024-05-15'])
    expect(range('yesterday')).toEqual(['2024-05-14', '2024-05-14'])
    expect(range('TOMORROW')).toEqual(['2024-05-16', '2024-05-16'])
  })

  it('starts weeks on Sunday', () => {
    expect(range('THIS_WEEK')).toEqual(['2024-05-12', '2024-05-18'])
    expect(range('LAST_WEEK')).toEqual(['2024-05-05', '2024-05-11'])
    expect(range('NEXT_WEEK')).toEqual(['2024-05-19', '2024-05-25'])
  })

  it('covers months, quarters and years', () => {
    expect(range('THIS_MONTH')).toEqual(['2024-05-01', '2024-05-31'])
    expect(range('LAST_MONTH')).toEqual(['2024-04-01', '2024-04-30'])
    expect(range('THIS_QUARTER')).toEqual(['2024-04-01', '2024-06-30'])
    expect(range('LAST_YEAR')).toEqual(['2023-01-01', '2023-12-31'])
    expect(range('THIS_FISCAL_YEAR')).toEqual(['2024-01-01', '2024-12-31'])
  })

  it('counts today in LAST_N_DAYS and LAST_90_DAYS, and starts NEXT_N_DAYS tomorrow', () => {
    expect(range('LAST_N_DAYS:1')).toEqual(['2024-05-14', '2024-05-15'])
    expect(range('LAST_90_DAYS')[0]).toBe('2024-02-15')
    expect(range('NEXT_N_DAYS:3')).toEqual(['2024-05-16', '2024-05-18'])
    expect(range('N_DAYS_AGO:5')).toEqual(['2024-05-10', '2024-05-10'])
  })

  it('covers whole units for the N_ forms', () => {
    expect(range('LAST_N_MONTHS:2')).toEqual(['2024-03-01', '2024-04-30'])
    expect(range('NEXT_N_WEEKS:1')).toEqual(['2024-05-19', '2024-05-25'])
    expect(range('N_YEARS_AGO:1')).toEqual(['2023-01-01', '2023-12-31'])
    expect(range('LAST_N_QUARTERS:1')).toEqual(['2024-01-01', '2024-03-31'])
  })

  it('does not know made-up literals', () => {
    expect(dateLiteralRange('LAST_N_FORTNIGHTS:2', NOW)).toBeUndefined()
  })
})
