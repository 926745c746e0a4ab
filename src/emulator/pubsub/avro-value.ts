// A record's stored value (Salesforce's JSON form) as the Avro value of its field: dates and
// datetimes as epoch milliseconds (BigInt longs), numbers as int or double, the rest as text.

import type { FieldType } from '../model/index.js'

/** The last text read and its value: a record's audit datetimes are one stamp, read 3 times. */
let lastText = ''
let lastMs: number | undefined

/** `2024-03-20T21:42:13.000+0000` or `2024-03-20` to epoch ms; undefined when unreadable. */
function epochMs(value: string, type: 'date' | 'datetime'): number | undefined {
  if (value === lastText) return lastMs
  lastText = value
  lastMs = parseEpochMs(value, type)
  return lastMs
}

function parseEpochMs(value: string, type: 'date' | 'datetime'): number | undefined {
  const text =
    type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? `${value}T00:00:00Z`
      : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

export function avroValue(type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'boolean':
      return value === true || value === 'true'
    case 'int':
      return Math.trunc(Number(value))
    case 'double':
    case 'currency':
    case 'percent':
      return Number(value)
    case 'date':
    case 'datetime': {
      if (typeof value === 'number') return BigInt(Math.trunc(value))
      const ms = typeof value === 'string' ? epochMs(value, type) : undefined
      return ms === undefined ? null : BigInt(ms)
    }
    default:
      return typeof value === 'string' ? value : JSON.stringify(value)
  }
}
