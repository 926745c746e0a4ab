// What `/batch/<id>/result` and `/result/<resultId>` answer ([C: SF-Bulk1 "Get Batch
// Results"]): an ingest batch's per-record results (Id, Success, Created, Error) in the job's
// format; a query batch's result ids; a result set as CSV, JSON records or XML queryResult.

import { sfError, toRows, writeCsv } from '../bulk/index.js'
import { NAMESPACE } from './async-error.js'
import type { AsyncBatch, AsyncContentType } from './async-job.js'
import { xmlDocument } from './async-job.js'
import { escapeXml } from './xml-lite.js'

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

export const CONTENT_TYPE: Record<AsyncContentType, string> = {
  CSV: 'text/csv',
  JSON: 'application/json',
  XML: 'application/xml',
}

export function ingestResults(batch: AsyncBatch, format: AsyncContentType): string {
  if (format === 'CSV') {
    const rows = batch.results.map((r) => [
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
      batch.results.map((r) => ({
        success: r.success,
        created: r.created,
        id: r.id,
        errors: r.errors,
      })),
    )
  }
  const inner = batch.results
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

/** One result set of a query batch. An empty CSV result reads as Salesforce writes it. */
export function resultSet(batch: AsyncBatch, records: object[], format: AsyncContentType): string {
  if (format === 'CSV') {
    if (records.length === 0) return 'Records not found for this query'
    return writeCsv(batch.columns, [...toRows(records, batch.columns)], {
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    })
  }
  if (format === 'JSON') return JSON.stringify(records)
  const inner = records
    .map(
      (r) =>
        ` <records xsi:type="sObject">\n${xmlRecordFields(r as Record<string, unknown>, '  ')}\n </records>`,
    )
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?><queryResult xmlns="${NAMESPACE}" xmlns:xsi="${XSI}">\n${inner}\n</queryResult>`
}
