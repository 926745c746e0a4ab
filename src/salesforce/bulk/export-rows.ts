// Reads a query's rows by the cheaper path: the REST query for small results, a Bulk API 2.0
// query job from `bulkThreshold` rows on. Rows are flat either way (Bulk's CSV shape):
// `Account.Name` keys, text values, null for empty.

import { ForcebridgeError } from '../../util/index.js'
import { QueryIterator } from '../query/index.js'
import type { Requester } from '../requester.js'
import type { PollOptions } from './bulk-jobs.js'
import { BulkQuery } from './bulk-query.js'

export type FlatRow = Record<string, string | null>

export interface ExportRowsOptions {
  /** totalSize from which a Bulk query job is used. Default 10,000 (5 REST pages of 2,000). */
  bulkThreshold?: number
  /** REST page size hint (200..2000). */
  batchSize?: number
  /** Bulk results page size. */
  maxRecords?: number
  poll?: PollOptions
}

function flatten(record: Record<string, unknown>, prefix: string, out: FlatRow): FlatRow {
  for (const [key, value] of Object.entries(record)) {
    if (key === 'attributes') continue
    const name = prefix + key
    if (value === null || value === undefined) out[name] = null
    else if (typeof value === 'object' && !Array.isArray(value)) {
      if ('records' in value) {
        // Bulk queries cannot run subqueries either, so the two paths would disagree.
        throw new ForcebridgeError(
          'INVALID_INPUT',
          `exportRows: ${name} is a subquery; query the child object on its own`,
        )
      }
      flatten(value as Record<string, unknown>, `${name}.`, out)
    } else out[name] = typeof value === 'string' ? value : JSON.stringify(value)
  }
  return out
}

/**
 * @example for await (const row of exportRows(client, 'SELECT Id, Account.Name FROM Contact')) csv.write(row)
 */
export async function* exportRows(
  requester: Requester,
  soql: string,
  options: ExportRowsOptions = {},
): AsyncGenerator<FlatRow> {
  const threshold = options.bulkThreshold ?? 10_000
  const rest = new QueryIterator<Record<string, unknown>>(
    requester,
    soql,
    'query',
    options.batchSize === undefined ? {} : { batchSize: options.batchSize },
  )
  const pages = rest.pages()
  const first = await pages.next()
  if (first.done) return
  if (!first.value.done && first.value.totalSize >= threshold) {
    // One REST page was spent to learn the size; the rest comes from a Bulk job.
    await pages.return(undefined)
    const bulkOptions: { maxRecords?: number; poll?: PollOptions } = {}
    if (options.maxRecords !== undefined) bulkOptions.maxRecords = options.maxRecords
    if (options.poll) bulkOptions.poll = options.poll
    yield* new BulkQuery<FlatRow>(requester, soql, bulkOptions)
    return
  }
  for (const record of first.value.records) yield flatten(record, '', {})
  for await (const page of pages) for (const record of page.records) yield flatten(record, '', {})
}
