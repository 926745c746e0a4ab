// A Bulk API 1.0 ingest batch's records as one table of text cells, whatever the job's
// format: CSV as sent; JSON and XML records flattened (a parent reference becomes a
// `Account.Ext__c` column, null becomes `#N/A`), so one column plan maps and converts them all.

import { parseCsv, type CsvTable } from '../bulk/index.js'
import { scalarText } from '../composite/index.js'
import type { AsyncContentType } from './async-job.js'
import { isNil, parseXml, type XmlElement } from './xml-lite.js'

/** Thrown when the batch's data cannot be read: the batch fails with this message. */
export class BatchDataError extends Error {}

function tableOf(records: Map<string, string>[]): CsvTable {
  const columns: string[] = []
  const seen = new Set<string>()
  for (const r of records) {
    for (const k of r.keys()) {
      if (!seen.has(k.toLowerCase())) {
        seen.add(k.toLowerCase())
        columns.push(k)
      }
    }
  }
  const rows = records.map((r) => {
    const lower = new Map([...r].map(([k, v]) => [k.toLowerCase(), v]))
    return columns.map((c) => lower.get(c.toLowerCase()) ?? '')
  })
  return { columns, rows }
}

function flattenJson(value: Record<string, unknown>, prefix: string, out: Map<string, string>) {
  for (const [key, v] of Object.entries(value)) {
    if (key === 'attributes') continue
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      flattenJson(v as Record<string, unknown>, `${prefix}${key}.`, out)
    else out.set(prefix + key, v === null ? '#N/A' : scalarText(v))
  }
}

function flattenXml(el: XmlElement, prefix: string, out: Map<string, string>) {
  for (const child of el.children) {
    if (child.name === 'type' && prefix !== '') continue
    // A reference to a parent: `<Account><sObject><Ext__c>A-1</Ext__c></sObject></Account>`.
    const nested = child.children.length === 1 && child.children[0]!.name === 'sObject'
    if (nested) flattenXml(child.children[0]!, `${prefix}${child.name}.`, out)
    else if (child.name === 'fieldsToNull') out.set(prefix + child.text.trim(), '#N/A')
    else out.set(prefix + child.name, isNil(child) ? '#N/A' : child.text)
  }
}

/** The batch's records as a table of text cells. */
export function readBatch(body: string, format: AsyncContentType): CsvTable {
  try {
    if (format === 'CSV') return parseCsv(body, { columnDelimiter: 'COMMA', lineEnding: 'LF' })
    if (format === 'JSON') {
      const value: unknown = JSON.parse(body)
      if (!Array.isArray(value))
        throw new BatchDataError('the JSON batch must be an array of records')
      return tableOf(
        value.map((v) => {
          if (v === null || typeof v !== 'object' || Array.isArray(v))
            throw new BatchDataError('each record of a JSON batch must be an object')
          const out = new Map<string, string>()
          flattenJson(v as Record<string, unknown>, '', out)
          return out
        }),
      )
    }
    const root = parseXml(body)
    if (root.name !== 'sObjects') throw new BatchDataError('the XML batch must be <sObjects>')
    return tableOf(
      root.children.map((el) => {
        const out = new Map<string, string>()
        flattenXml(el, '', out)
        return out
      }),
    )
  } catch (err) {
    if (err instanceof BatchDataError) throw err
    throw new BatchDataError(err instanceof Error ? err.message : String(err))
  }
}
