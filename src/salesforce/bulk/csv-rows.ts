// CSV in and out for Bulk API 2.0: record values to CSV cells (null as #N/A, Salesforce's way to
// clear a field), CSV text to rows with csv-parse, and the sf__Error format of failed results.

import { parse, type Options } from 'csv-parse'
import { stringify } from 'csv-stringify/sync'
import { pipeline, Readable } from 'node:stream'
import { ForcebridgeError } from '../../util/index.js'
import type { RecordError } from '../collections/index.js'

/** A record value as Bulk CSV text: null clears the field, undefined leaves it as is. */
export function cellText(value: unknown, column: string): string {
  if (value === undefined) return ''
  if (value === null) return '#N/A'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return value.toISOString()
  throw new ForcebridgeError(
    'INVALID_INPUT',
    `bulk: column ${column} holds ${typeof value}, which has no CSV form; flatten it first`,
  )
}

/** One CSV line (LF) with quoting where needed. */
export function csvLine(cells: readonly string[]): string {
  // A row of empty cells would be a blank line, which CSV readers skip: the row would vanish.
  const blank = cells.every((c) => c === '')
  return stringify([cells], { record_delimiter: 'unix', quoted_empty: blank })
}

function parseWith<T>(
  source: Readable | AsyncIterable<string | Uint8Array>,
  options: Options,
): AsyncIterable<T> {
  const parser = parse(options)
  // Errors reach the consumer through the parser's iterator; a consumer that stops early
  // destroys the parser, and pipeline then closes the source (the HTTP body).
  pipeline(source instanceof Readable ? source : Readable.from(source), parser, () => undefined)
  return parser as AsyncIterable<T>
}

/** Parses CSV with a header row into objects keyed by column name, streaming. */
export function parseCsv(
  source: Readable | AsyncIterable<string | Uint8Array>,
): AsyncIterable<Record<string, string>> {
  return parseWith(source, { columns: true, bom: true })
}

/** Parses CSV into arrays of cells, the first being the header. */
export function parseCsvRows(
  source: Readable | AsyncIterable<string | Uint8Array>,
): AsyncIterable<string[]> {
  return parseWith(source, { bom: true })
}

/**
 * Reads `sf__Error`, written `STATUS_CODE:message:fields --` (e.g. `REQUIRED_FIELD_MISSING:Required
 * fields are missing: [LastName]:LastName --`). The trailing `:fields --` part is [B] in
 * salesforce-api.md §6.1, so text without it is kept whole as the message.
 */
export function parseSfError(text: string): RecordError {
  const m = /^([A-Z][A-Z0-9_]*):(.*)$/s.exec(text.trim())
  if (!m) return { code: 'UNKNOWN_ERROR', message: text, fields: [] }
  const code = m[1] as string
  let rest = (m[2] as string).trim()
  if (!rest.endsWith('--')) return { code, message: rest, fields: [] }
  rest = rest.slice(0, -2).trimEnd()
  const cut = rest.lastIndexOf(':')
  if (cut < 0) return { code, message: rest, fields: [] }
  const fields = rest
    .slice(cut + 1)
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
  return { code, message: rest.slice(0, cut).trim(), fields }
}
