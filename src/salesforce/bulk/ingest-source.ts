// Turns ingest input (records or a CSV stream) into CSV upload bodies of at most `maxBytes`
// each, streamed row by row so no upload is ever held in memory whole.

import type { Readable } from 'node:stream'
import { ForcebridgeError } from '../../util/index.js'
import { cellText, csvLine, parseCsvRows } from './csv-rows.js'

export type RecordInput = Iterable<object> | AsyncIterable<object>
export interface CsvInput {
  /** CSV with a header row of field API names, UTF-8, comma-separated. */
  csv: Readable | AsyncIterable<string | Uint8Array>
}

/** Rows read one at a time, with one row of look-ahead so an upload can stop before a row. */
export class RowSource {
  private held: string[] | undefined
  constructor(private readonly rows: AsyncIterator<string[]>) {}

  async next(): Promise<string[] | undefined> {
    if (this.held) {
      const row = this.held
      this.held = undefined
      return row
    }
    const r = await this.rows.next()
    return r.done ? undefined : r.value
  }

  pushBack(row: string[]): void {
    this.held = row
  }

  async hasMore(): Promise<boolean> {
    const row = await this.next()
    if (row) this.pushBack(row)
    return row !== undefined
  }
}

function isCsvInput(data: RecordInput | CsvInput): data is CsvInput {
  return typeof data === 'object' && data !== null && 'csv' in data
}

function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> | Iterator<T> {
  const asyncIt = (items as AsyncIterable<T>)[Symbol.asyncIterator]
  return asyncIt ? asyncIt.call(items) : (items as Iterable<T>)[Symbol.iterator]()
}

/** Opens the input: its header and its rows, or undefined when there are no rows at all. */
export async function openRows(
  data: RecordInput | CsvInput,
  columns: readonly string[] | undefined,
): Promise<{ header: string[]; rows: RowSource } | undefined> {
  if (isCsvInput(data)) {
    const it = parseCsvRows(data.csv)[Symbol.asyncIterator]()
    const first = await it.next()
    if (first.done) return undefined
    const rows = new RowSource(it)
    return (await rows.hasMore()) ? { header: first.value, rows } : undefined
  }
  const it = iteratorOf(data)
  const first = await it.next()
  if (first.done) return undefined
  const header = columns ? [...columns] : Object.keys(first.value).filter((k) => k !== 'attributes')
  if (header.length === 0)
    throw new ForcebridgeError('INVALID_INPUT', 'bulk: the first record has no fields')
  const known = new Set(header)
  let index = 0
  const toCells = (record: object): string[] => {
    const row = record as Record<string, unknown>
    for (const key of Object.keys(row)) {
      if (key !== 'attributes' && !known.has(key)) {
        throw new ForcebridgeError(
          'INVALID_INPUT',
          `bulk: record ${index} has field ${key}, which is not among the columns (${header.join(', ')}); pass columns`,
        )
      }
    }
    index++
    return header.map((c) => cellText(row[c], c))
  }
  async function* cells(): AsyncGenerator<string[]> {
    yield toCells(first.value as object)
    for (let r = await it.next(); !r.done; r = await it.next()) yield toCells(r.value)
  }
  return { header, rows: new RowSource(cells()) }
}

/**
 * Closes input that will not be read because an earlier run uploaded all of it (a resumed
 * call), so a CSV file stream does not hold its file open.
 */
export function releaseInput(data: RecordInput | CsvInput): void {
  if (!isCsvInput(data)) return
  const source = data.csv as { destroy?: unknown }
  if (typeof source.destroy === 'function') (source as Readable).destroy()
}

export interface UploadState {
  rows: number
  /** An input error met while streaming (the HTTP layer would otherwise hide it). */
  error?: unknown
}

const FLUSH_BYTES = 64 * 1024

/**
 * One upload body: the header, then rows until the next row would pass `maxBytes` (at least one
 * row per upload). Rows left over stay in `rows` for the next job.
 */
export async function* uploadBody(
  headerLine: string,
  rows: RowSource,
  maxBytes: number,
  state: UploadState,
): AsyncGenerator<Buffer> {
  try {
    let total = Buffer.byteLength(headerLine)
    let parts = [headerLine]
    let pending = total
    for (let row = await rows.next(); row; row = await rows.next()) {
      const line = csvLine(row)
      const size = Buffer.byteLength(line)
      if (state.rows > 0 && total + size > maxBytes) {
        rows.pushBack(row)
        break
      }
      total += size
      pending += size
      state.rows++
      parts.push(line)
      if (pending >= FLUSH_BYTES) {
        yield Buffer.from(parts.join(''))
        parts = []
        pending = 0
      }
    }
    if (parts.length > 0) yield Buffer.from(parts.join(''))
  } catch (err) {
    state.error = err
    throw err
  }
}
