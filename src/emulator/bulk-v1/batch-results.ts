// What `/batch/<id>/result` and `/result/<resultId>` answer ([C: SF-Bulk1 "Get Batch
// Results"]): an ingest batch's per-record results (Id, Success, Created, Error) in the job's
// format; a query batch's result ids; a result set as CSV, JSON records or XML queryResult,
// streamed from the result store.

import { Readable } from 'node:stream'
import { csvLine, sfError, toRows, writeCsv } from '../bulk/index.js'
import { NAMESPACE } from './async-error.js'
import type { AsyncBatch, AsyncContentType, RowResult } from './async-job.js'
import { xmlDocument } from './async-job.js'
import { escapeXml } from './xml-lite.js'

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

export const CONTENT_TYPE: Record<AsyncContentType, string> = {
  CSV: 'text/csv',
  JSON: 'application/json',
  XML: 'application/xml',
}

export function ingestResults(results: RowResult[], format: AsyncContentType): string {
  if (format === 'CSV') {
    const rows = results.map((r) => [
      r.id ?? '',
      String(r.success),
      String(r.created),
      r.errors.length > 0 ? sfError(r.errors) : '',
    ])
    return writeCsv(['Id', 'Success', 'Created', 'Error'], rows, {
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    })
  }
  if (format === 'JSON') {
    return JSON.stringify(
      results.map((r) => ({
        success: r.success,
        created: r.created,
        id: r.id,
        errors: r.errors,
      })),
    )
  }
  const inner = results
    .map((r) => {
      const errors = r.errors.map(
        (e) =>
          `  <errors>\n${e.fields.map((f) => `   <fields>${escapeXml(f)}</fields>\n`).join('')}   <message>${escapeXml(e.message)}</message>\n   <statusCode>${e.statusCode}</statusCode>\n  </errors>\n`,
      )
      const id = r.id === null ? '' : `  <id>${r.id}</id>\n`
      return ` <result>\n${errors.join('')}${id}  <success>${r.success}</success>\n  <created>${r.created}</created>\n </result>`
    })
    .join('\n')
  return xmlDocument('results', inner)
}

/** The result ids of a query batch. */
export function resultList(batch: AsyncBatch, format: 'JSON' | 'XML'): string {
  const ids = [...batch.resultSets.keys()]
  if (format === 'JSON') return JSON.stringify(ids)
  return `<?xml version="1.0" encoding="UTF-8"?><result-list xmlns="${NAMESPACE}">${ids.map((id) => `<result>${id}</result>`).join('')}</result-list>`
}

function xmlValue(name: string, value: unknown, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name} xsi:nil="true"/>`
  if (typeof value === 'object' && !Array.isArray(value)) {
    return `${indent}<${name} xsi:type="sObject">\n${xmlRecordFields(value as Record<string, unknown>, `${indent} `)}\n${indent}</${name}>`
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `${indent}<${name}>${escapeXml(text)}</${name}>`
}

function xmlRecordFields(record: Record<string, unknown>, indent: string): string {
  const type = (record.attributes as { type?: string } | undefined)?.type
  const lines = type === undefined ? [] : [`${indent}<type>${type}</type>`]
  for (const [k, v] of Object.entries(record)) {
    if (k !== 'attributes') lines.push(xmlValue(k, v, indent))
  }
  return lines.join('\n')
}

const CSV_FORMAT = { columnDelimiter: 'COMMA', lineEnding: 'LF' } as const

/**
 * One query record as its result set writes it: a CSV line, or a JSON record or an XML
 * `<records>` element preceded by its separator unless it opens its result set. Stored
 * formatted, a result set is served by joining stored items, never rebuilt in the heap.
 */
export function resultItem(
  record: object,
  columns: string[],
  format: AsyncContentType,
  opensSet: boolean,
): string {
  if (format === 'CSV') return csvLine([...toRows([record], columns)][0]!, CSV_FORMAT)
  if (format === 'JSON') return (opensSet ? '' : ',') + JSON.stringify(record)
  return `${opensSet ? '' : '\n'} <records xsi:type="sObject">\n${xmlRecordFields(record as Record<string, unknown>, '  ')}\n </records>`
}

/** The items an answer streams, and the store they are read from. */
interface StoredItems {
  chunks(set: number, from: number, count: number): Iterable<string>
}

/**
 * One result set of a query batch, streamed from the result store as the client reads it.
 * An empty CSV result reads as Salesforce writes it.
 */
export function resultSet(
  batch: AsyncBatch,
  range: { from: number; size: number },
  format: AsyncContentType,
  store: StoredItems,
): string | Readable {
  if (format === 'CSV' && range.size === 0) return 'Records not found for this query'
  const [open, close] =
    format === 'CSV'
      ? [csvLine(batch.columns, CSV_FORMAT), '']
      : format === 'JSON'
        ? ['[', ']']
        : [
            `<?xml version="1.0" encoding="UTF-8"?><queryResult xmlns="${NAMESPACE}" xmlns:xsi="${XSI}">\n`,
            '\n</queryResult>',
          ]
  const set = batch.stored?.set
  const items =
    set === undefined || range.size === 0 ? [] : store.chunks(set, range.from, range.size)
  return Readable.from(
    (function* () {
      yield open
      yield* items
      yield close
    })(),
  )
}
