// SOQL queries as async iterables: pages are fetched only as the consumer reads (optionally one
// page ahead), `nextRecordsUrl` is followed to the end, and nothing is ever truncated silently.

import { ForcebridgeError } from '../../util/index.js'
import type { Requester, RequestOptions } from '../requester.js'

/** One page of `GET /query` (salesforce-api.md §3). */
export interface QueryPage<T> {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: T[]
}

export interface QueryOptions {
  /**
   * Rows per page, 200..2000, sent as `Sforce-Query-Options: batchSize=N`. Salesforce treats it
   * as a hint (it may send other sizes). Default: Salesforce's own (2000).
   */
  batchSize?: number
  /** Fetch the next page while the consumer reads the current one. Default false. */
  prefetch?: boolean
  signal?: AbortSignal
}

export interface CollectOptions {
  /** The most rows the caller accepts; more rows throw QUERY_LIMIT_EXCEEDED. */
  max: number
}

function validate(soqlText: string, options: QueryOptions): void {
  if (typeof soqlText !== 'string' || soqlText.trim() === '') {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      'query: the SOQL text is empty; pass a SELECT statement',
    )
  }
  const { batchSize } = options
  if (
    batchSize !== undefined &&
    (!Number.isInteger(batchSize) || batchSize < 200 || batchSize > 2000)
  ) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `query: batchSize ${batchSize} is outside 200..2000, the range Salesforce accepts in Sforce-Query-Options`,
    )
  }
}

/**
 * A query that runs when iterated. Each `for await` runs it again from the start.
 * `totalSize` is known once the first page has arrived.
 */
export class QueryIterator<T> implements AsyncIterable<T> {
  /** Salesforce's count of all matching rows, set by the first page. */
  totalSize: number | undefined

  constructor(
    private readonly requester: Requester,
    private readonly soqlText: string,
    private readonly resource: 'query' | 'queryAll',
    private readonly options: QueryOptions = {},
  ) {
    validate(soqlText, options)
  }

  private fetch(path: string, first: boolean): Promise<QueryPage<T>> {
    const request: RequestOptions = { method: 'GET', path }
    if (first) request.query = { q: this.soqlText }
    if (this.options.batchSize !== undefined) {
      request.headers = { 'Sforce-Query-Options': `batchSize=${this.options.batchSize}` }
    }
    if (this.options.signal) request.signal = this.options.signal
    return this.requester.request<QueryPage<T>>(request).then((res) => {
      const page = res.body
      if (!page || !Array.isArray(page.records)) {
        throw new ForcebridgeError(
          'UNEXPECTED_RESPONSE',
          `query: ${path} answered without a records array`,
        )
      }
      if (first) this.totalSize = page.totalSize
      return page
    })
  }

  /** The raw pages, in order; the next page is requested only when needed (or prefetched). */
  async *pages(): AsyncGenerator<QueryPage<T>> {
    let pending: Promise<QueryPage<T>> | undefined = this.fetch(this.resource, true)
    while (pending) {
      const page: QueryPage<T> = await pending
      pending = undefined
      const next = page.done ? undefined : page.nextRecordsUrl
      if (!page.done && !next) {
        throw new ForcebridgeError(
          'UNEXPECTED_RESPONSE',
          'query: a page said done=false without a nextRecordsUrl',
        )
      }
      if (next && this.options.prefetch) {
        pending = this.fetch(next, false)
        // Held until awaited below; a consumer that stops early must not cause an unhandled rejection.
        pending.catch(() => undefined)
      }
      yield page
      if (next && !pending) pending = this.fetch(next, false)
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.records
  }

  /**
   * Every row in an array, refusing to hold more than `max`: throws QUERY_LIMIT_EXCEEDED (after the
   * first page when totalSize already says so) instead of returning a truncated list.
   */
  async collect(options: CollectOptions): Promise<T[]> {
    const { max } = options
    if (!Number.isInteger(max) || max < 0) {
      throw new ForcebridgeError(
        'INVALID_INPUT',
        `query.collect: max must be a non-negative integer, got ${max}`,
      )
    }
    const rows: T[] = []
    for await (const page of this.pages()) {
      // totalSize refuses early while pages remain; the rows decide at the end, because
      // `SELECT COUNT()` answers totalSize = the count with no rows (salesforce-api.md §3).
      if ((!page.done && page.totalSize > max) || rows.length + page.records.length > max) {
        throw new ForcebridgeError(
          'QUERY_LIMIT_EXCEEDED',
          `query matched ${page.totalSize} rows, more than max ${max}; raise max or iterate with for await`,
        )
      }
      rows.push(...page.records)
    }
    return rows
  }
}

/** Runs SOQL over live rows (`GET /query`). @example for await (const a of query(r, 'SELECT Id FROM Account')) … */
export function query<T = Record<string, unknown>>(
  requester: Requester,
  soql: string,
  options?: QueryOptions,
): QueryIterator<T> {
  return new QueryIterator<T>(requester, soql, 'query', options)
}

/** Like query, but includes deleted and archived rows (`GET /queryAll`). */
export function queryAll<T = Record<string, unknown>>(
  requester: Requester,
  soql: string,
  options?: QueryOptions,
): QueryIterator<T> {
  return new QueryIterator<T>(requester, soql, 'queryAll', options)
}
