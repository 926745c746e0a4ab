// sObject Collections (salesforce-api.md §4.4) for any number of records: chunks of 200 run with
// bounded concurrency, and one typed result comes back per input record, in input order.

import { ForcebridgeError } from '../../util/index.js'
import type { Requester, RequestOptions } from '../requester.js'
import { checkId, checkName } from '../soql/index.js'
import { chunk, runChunks } from './run-chunks.js'
import { codeOf, failedResult, toRecordResult, type RecordResult } from './record-result.js'

export interface CollectionsOptions {
  /** Chunks in flight at once. Default 4. */
  concurrency?: number
  /** Records per call, 1..200 (Salesforce's maximum). Default 200. */
  chunkSize?: number
}

export interface CollectionWriteOptions {
  /**
   * Roll back a chunk when any of its records fails. A chunk is one transaction, so this cannot
   * span chunks: with more records than one chunk, chunks run one at a time, earlier chunks stay
   * committed, and after a failed chunk the rest are not sent (their results say NOT_ATTEMPTED).
   */
  allOrNone?: boolean
  /** Overrides the client-wide concurrency for this call. */
  concurrency?: number
}

type Row = Record<string, unknown>

function positiveInt(what: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `collections: ${what} must be an integer in 1..${max}, got ${value}`,
    )
  }
  return value
}

function withType(type: string | undefined, record: object, index: number): Row {
  const row = { ...(record as Row) }
  const attrs = row.attributes as { type?: string } | undefined
  const t = attrs?.type ?? type
  if (!t)
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `collections: record ${index} has no attributes.type and no type was given`,
    )
  row.attributes = { ...attrs, type: t }
  return row
}

export class Collections {
  private readonly concurrency: number
  private readonly chunkSize: number

  constructor(
    private readonly requester: Requester,
    options: CollectionsOptions = {},
  ) {
    this.concurrency = positiveInt('concurrency', options.concurrency ?? 4)
    this.chunkSize = positiveInt('chunkSize', options.chunkSize ?? 200, 200)
  }

  /** Creates records of `type` (records that carry their own attributes.type keep it). */
  async create(
    type: string | undefined,
    records: readonly object[],
    options: CollectionWriteOptions = {},
  ): Promise<RecordResult[]> {
    if (type !== undefined) checkName('collections.create type', type)
    const rows = records.map((r, i) => {
      const row = withType(type, r, i)
      if ('Id' in row)
        throw new ForcebridgeError(
          'INVALID_INPUT',
          `collections.create: record ${i} has an Id; use update`,
        )
      return row
    })
    return this.write(rows, options, (body) => ({
      method: 'POST',
      path: 'composite/sobjects',
      body,
    }))
  }

  /** Updates records by their `Id`. */
  async update(
    type: string | undefined,
    records: ReadonlyArray<object & { Id: string }>,
    options: CollectionWriteOptions = {},
  ): Promise<RecordResult[]> {
    if (type !== undefined) checkName('collections.update type', type)
    const rows = records.map((r, i) => {
      checkId(`collections.update record ${i}`, r.Id)
      return withType(type, r, i)
    })
    return this.write(rows, options, (body) => ({
      method: 'PATCH',
      path: 'composite/sobjects',
      body,
    }))
  }

  /**
   * Creates or updates records of one type matched on `externalIdField` (API 46.0+). Replayed
   * after network errors: an upsert by external id gives the same outcome when sent twice.
   */
  async upsert(
    type: string,
    externalIdField: string,
    records: readonly object[],
    options: CollectionWriteOptions = {},
  ): Promise<RecordResult[]> {
    checkName('collections.upsert type', type)
    checkName('collections.upsert externalIdField', externalIdField)
    const rows = records.map((r, i) => {
      const row = withType(type, r, i)
      if (row[externalIdField] === undefined || row[externalIdField] === null) {
        throw new ForcebridgeError(
          'INVALID_INPUT',
          `collections.upsert: record ${i} has no ${externalIdField}`,
        )
      }
      return row
    })
    const path = `composite/sobjects/${type}/${externalIdField}`
    return this.write(rows, options, (body) => ({ method: 'PATCH', path, body, retry: 'always' }))
  }

  /** Deletes records by id. */
  async delete(
    ids: readonly string[],
    options: CollectionWriteOptions = {},
  ): Promise<RecordResult[]> {
    ids.forEach((id, i) => checkId(`collections.delete id ${i}`, id))
    return this.write([...ids], options, (chunkIds, allOrNone) => ({
      method: 'DELETE',
      path: 'composite/sobjects',
      query: { ids: chunkIds.join(','), allOrNone },
    }))
  }

  /** Reads records by id, in input order; `null` where an id matched no record. */
  async retrieve<T = Row>(
    type: string,
    ids: readonly string[],
    fields: readonly string[],
    options: { concurrency?: number } = {},
  ): Promise<Array<T | null>> {
    checkName('collections.retrieve type', type)
    if (fields.length === 0)
      throw new ForcebridgeError(
        'INVALID_INPUT',
        'collections.retrieve: fields is required by Salesforce',
      )
    fields.forEach((f) => checkName('collections.retrieve field', f))
    ids.forEach((id, i) => checkId(`collections.retrieve id ${i}`, id))
    const pages = await runChunks(
      chunk(ids, this.chunkSize),
      options.concurrency ?? this.concurrency,
      async (part) => {
        // The POST form takes long id lists in the body; it only reads, so a replay is safe.
        const res = await this.requester.request<Array<T | null>>({
          method: 'POST',
          path: `composite/sobjects/${type}`,
          body: { ids: part, fields },
          retry: 'always',
        })
        if (!Array.isArray(res.body) || res.body.length !== part.length) {
          throw new ForcebridgeError(
            'UNEXPECTED_RESPONSE',
            `collections.retrieve: expected ${part.length} entries from Salesforce`,
          )
        }
        return res.body
      },
    )
    return pages.flat()
  }

  private async write<I>(
    items: I[],
    options: CollectionWriteOptions,
    build: (part: I[], allOrNone: boolean) => RequestOptions,
  ): Promise<RecordResult[]> {
    const allOrNone = options.allOrNone ?? false
    const chunks = chunk(items, this.chunkSize)
    const concurrency = allOrNone
      ? 1
      : positiveInt('concurrency', options.concurrency ?? this.concurrency)
    let halted = false
    let failedChunks = 0
    let firstError: unknown
    const perChunk = await runChunks(chunks, concurrency, async (part) => {
      if (halted) {
        return part.map(() =>
          failedResult('NOT_ATTEMPTED', 'not sent: an earlier chunk failed and allOrNone was set'),
        )
      }
      const request = build(part, allOrNone)
      if (request.method !== 'DELETE') request.body = { allOrNone, records: part }
      try {
        const res = await this.requester.request<unknown[]>(request)
        if (!Array.isArray(res.body) || res.body.length !== part.length) {
          throw new ForcebridgeError(
            'UNEXPECTED_RESPONSE',
            `collections: expected ${part.length} results, got another shape`,
          )
        }
        const results = res.body.map((r) =>
          toRecordResult(r as Parameters<typeof toRecordResult>[0]),
        )
        if (allOrNone && results.some((r) => !r.success)) halted = true
        return results
      } catch (err) {
        // Other chunks may already be committed, so the outcome is reported per record rather
        // than thrown away; a call where every chunk failed is thrown below.
        failedChunks++
        firstError ??= err
        if (allOrNone) halted = true
        const message = err instanceof Error ? err.message : String(err)
        return part.map(() => failedResult(codeOf(err), message))
      }
    })
    if (chunks.length > 0 && failedChunks === chunks.length) throw firstError
    return perChunk.flat()
  }
}
