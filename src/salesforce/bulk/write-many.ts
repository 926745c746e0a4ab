// One write call that picks the cheaper path: sObject Collections below a record count, Bulk API
// 2.0 from it on, with one result per input record in input order either way (docs/bulk.md).

import { ForcebridgeError } from '../../util/index.js'
import { Collections, failedResult, type RecordResult } from '../collections/index.js'
import type { Requester } from '../requester.js'
import type { PollOptions } from './bulk-jobs.js'
import type { BulkJournalSlot } from './bulk-journal.js'
import { ingest, type IngestOperation } from './bulk-ingest.js'
import { cellText } from './csv-rows.js'

export interface WriteManyOptions {
  /** Record count from which Bulk API 2.0 is used instead of Collections. Default 2,000. */
  bulkThreshold?: number
  /** Collections only (Bulk has no transactions): setting it keeps the call on Collections. */
  allOrNone?: boolean
  /** Collections chunks in flight at once. Default 4. */
  concurrency?: number
  poll?: PollOptions
  maxBytesPerJob?: number
  /** Bulk path only: where the call is remembered for a re-run (see ingest's `journal`). */
  journal?: BulkJournalSlot
}

export type WriteOperation = 'insert' | 'update' | 'upsert' | 'delete'

/** Which path a call of `count` records takes. */
export function usesBulk(count: number, options: WriteManyOptions): boolean {
  const threshold = options.bulkThreshold ?? 2000
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `writeMany: bulkThreshold must be a positive integer, got ${threshold}`,
    )
  }
  return options.allOrNone !== true && count >= threshold
}

function columnsOf(records: readonly object[]): string[] {
  const seen = new Set<string>()
  for (const r of records) for (const k of Object.keys(r)) if (k !== 'attributes') seen.add(k)
  return [...seen]
}

/** Input indexes waiting for a result, found by a key; each index is handed out once. */
class Matcher {
  private readonly queues = new Map<string, number[]>()
  constructor(private readonly taken: boolean[]) {}
  add(key: string, index: number): void {
    const q = this.queues.get(key)
    if (q) q.push(index)
    else this.queues.set(key, [index])
  }
  take(key: string): number | undefined {
    const q = this.queues.get(key)
    while (q && q.length > 0) {
      const i = q.shift() as number
      if (!this.taken[i]) {
        this.taken[i] = true
        return i
      }
    }
    return undefined
  }
}

async function viaBulk(
  requester: Requester,
  type: string,
  operation: IngestOperation,
  records: readonly object[],
  options: WriteManyOptions & { externalIdField?: string },
): Promise<RecordResult[]> {
  const columns = columnsOf(records)
  // Salesforce does not keep result rows in upload order, and a CSV upload cannot carry an
  // extra index column (unknown columns fail the job). Result rows echo the uploaded columns,
  // so rows are matched on all their cells, then on the key column (Id, or the external id).
  const taken = new Array<boolean>(records.length).fill(false)
  const byRow = new Matcher(taken)
  const byKey = new Matcher(taken)
  const keyColumn =
    operation === 'upsert' ? options.externalIdField : operation === 'insert' ? undefined : 'Id'
  records.forEach((r, i) => {
    const row = r as Record<string, unknown>
    byRow.add(JSON.stringify(columns.map((c) => cellText(row[c], c))), i)
    if (keyColumn) byKey.add(cellText(row[keyColumn], keyColumn), i)
  })
  const find = (fields: Record<string, string>): number | undefined =>
    byRow.take(JSON.stringify(columns.map((c) => fields[c] ?? ''))) ??
    (keyColumn ? byKey.take(fields[keyColumn] ?? '') : undefined)

  const ingestOptions: Parameters<typeof ingest>[1] = { object: type, operation, columns }
  if (options.externalIdField) ingestOptions.externalIdFieldName = options.externalIdField
  if (options.poll) ingestOptions.poll = options.poll
  if (options.maxBytesPerJob) ingestOptions.maxBytesPerJob = options.maxBytesPerJob
  if (options.journal) ingestOptions.journal = options.journal
  const result = await ingest(requester, ingestOptions, records)

  const out = new Array<RecordResult | undefined>(records.length)
  for await (const row of result.successfulResults()) {
    const i = find(row.fields)
    if (i === undefined) continue
    const r: RecordResult = { id: row.id, success: true, errors: [] }
    if (operation === 'upsert') r.created = row.created
    out[i] = r
  }
  for await (const row of result.failedResults()) {
    const i = find(row.fields)
    if (i === undefined) continue
    const r: RecordResult = { success: false, errors: [row.error] }
    if (row.id) r.id = row.id
    out[i] = r
  }
  const unfinished = result.jobs.find((j) => j.state !== 'JobComplete')
  const missing = unfinished
    ? failedResult(
        'UNPROCESSED',
        `not processed: bulk job ${unfinished.id} ended ${unfinished.state}${unfinished.errorMessage ? `: ${unfinished.errorMessage}` : ''}`,
      )
    : failedResult('NO_RESULT', 'Salesforce reported no result row for this record')
  // Array.from visits the holes left by rows Salesforce never reported (map would skip them).
  return Array.from(out, (r) => r ?? { ...missing, errors: [...missing.errors] })
}

/**
 * Writes any number of records of one type with the cheaper API. `records` for delete are ids.
 * @example await writeMany(client, 'Account', 'insert', accounts)
 */
export async function writeMany(
  requester: Requester,
  type: string,
  operation: WriteOperation,
  records: readonly object[],
  options: WriteManyOptions & { externalIdField?: string } = {},
): Promise<RecordResult[]> {
  if (records.length === 0) return []
  if (operation === 'upsert' && !options.externalIdField) {
    throw new ForcebridgeError('INVALID_INPUT', 'upsertMany: externalIdField is required')
  }
  if (usesBulk(records.length, options))
    return viaBulk(requester, type, operation, records, options)
  const collections = new Collections(
    requester,
    options.concurrency ? { concurrency: options.concurrency } : {},
  )
  const write = options.allOrNone === undefined ? {} : { allOrNone: options.allOrNone }
  switch (operation) {
    case 'insert':
      return collections.create(type, records, write)
    case 'update':
      return collections.update(type, records as Array<object & { Id: string }>, write)
    case 'upsert':
      return collections.upsert(type, options.externalIdField as string, records, write)
    case 'delete':
      return collections.delete(
        records.map((r) => (r as { Id: string }).Id),
        write,
      )
  }
}
