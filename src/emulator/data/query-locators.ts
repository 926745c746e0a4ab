// Query result pages behind `nextRecordsUrl` (salesforce-api.md §3). A locator is
// `<18-char 01g id>-<offset>`; it can be fetched again until it expires (about 15 minutes
// after its last use), as Salesforce allows.
//
// The first page is answered from the records as the query yields them; when there are
// more, every record after the first page is written to the result store (SQLite, not the
// heap) and each later page is read from there. The cursor is therefore a snapshot: records
// changed, added or deleted after the query ran do not change its pages or its totalSize.
// [B] Salesforce does not document what a cursor shows when the data changes under it; a
// fixed result set is what its server-side cursor is described as, and what clients that
// page through a stable totalSize expect.

import { ApiError } from '../model/index.js'
import type { ResultStore } from './result-store.js'

const LIFETIME_MS = 15 * 60_000

interface Cursor {
  /** The result set in the store; it holds the records from position `pageSize` on (or all). */
  set: number
  /** Records in the whole result, the first page included. */
  size: number
  totalSize: number
  pageSize: number
  lastUsed: number
}

export interface QueryPage {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: object[]
}

export class QueryLocators {
  private readonly cursors = new Map<string, Cursor>()

  constructor(
    private readonly newId: () => string,
    private readonly now: () => Date,
    private readonly store: ResultStore,
  ) {}

  /** The first page of a result; keeps the rest behind a locator when there is more. */
  firstPage(
    result: {
      totalSize: number | undefined
      records: Iterable<object>
      adopt?: () => { set: number; size: number }
    },
    pageSize: number,
    apiVersion: string,
  ): QueryPage {
    // A sorted result already in the store (a large ORDER BY) becomes the cursor's set as it
    // is: positions are the same, and the locator only ever reads from the first page's end.
    const sorted = result.adopt?.()
    if (sorted !== undefined) return this.adoptedPage(sorted, pageSize, apiVersion)
    const it = result.records[Symbol.iterator]()
    const first: object[] = []
    let step = it.next()
    for (; !step.done && first.length < pageSize; step = it.next()) first.push(step.value)
    if (step.done) {
      return { totalSize: result.totalSize ?? first.length, done: true, records: first }
    }
    this.prune()
    // The rest, from the record already read on: the store numbers it from the page's end.
    const pending = step.value
    const rest = (function* () {
      yield JSON.stringify(pending)
      for (let s = it.next(); !s.done; s = it.next()) yield JSON.stringify(s.value)
    })()
    const stored = this.store.write(rest, pageSize)
    const size = pageSize + stored.size
    const id = this.newId()
    this.cursors.set(id, {
      set: stored.set,
      size,
      totalSize: result.totalSize ?? size,
      pageSize,
      lastUsed: this.now().getTime(),
    })
    return this.pageOf(id, first, pageSize, apiVersion)
  }

  private adoptedPage(
    stored: { set: number; size: number },
    pageSize: number,
    apiVersion: string,
  ): QueryPage {
    const first = this.store.page(stored.set, 0, pageSize).map((item) => JSON.parse(item) as object)
    if (stored.size <= pageSize) {
      this.store.drop(stored.set)
      return { totalSize: stored.size, done: true, records: first }
    }
    this.prune()
    const id = this.newId()
    this.cursors.set(id, {
      set: stored.set,
      size: stored.size,
      totalSize: stored.size,
      pageSize,
      lastUsed: this.now().getTime(),
    })
    return this.pageOf(id, first, pageSize, apiVersion)
  }

  /** The page at `<id>-<offset>`; 400 INVALID_QUERY_LOCATOR when unknown or expired. */
  next(locator: string, apiVersion: string): QueryPage {
    this.prune()
    const m = /^(01g[0-9A-Za-z]{15})-(\d+)$/.exec(locator)
    const cursor = m ? this.cursors.get(m[1]!) : undefined
    const offset = m ? Number(m[2]) : NaN
    // Offsets inside the first page are not stored: a locator never points there.
    if (!m || !cursor || offset > cursor.size || offset < cursor.pageSize) {
      // [B] Salesforce's status for a bad locator is not documented; 400 is the likely one.
      throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
    }
    cursor.lastUsed = this.now().getTime()
    const records = this.store
      .page(cursor.set, offset, cursor.pageSize)
      .map((item) => JSON.parse(item) as object)
    return this.pageOf(m[1]!, records, offset + cursor.pageSize, apiVersion)
  }

  private pageOf(id: string, records: object[], end: number, apiVersion: string): QueryPage {
    const cursor = this.cursors.get(id)!
    if (end >= cursor.size) return { totalSize: cursor.totalSize, done: true, records }
    return {
      totalSize: cursor.totalSize,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${id}-${end}`,
      records,
    }
  }

  private prune(): void {
    const oldest = this.now().getTime() - LIFETIME_MS
    for (const [id, c] of this.cursors) {
      if (c.lastUsed < oldest) {
        this.cursors.delete(id)
        this.store.drop(c.set)
      }
    }
  }
}
