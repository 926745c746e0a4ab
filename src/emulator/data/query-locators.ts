// Query result pages behind `nextRecordsUrl` (salesforce-api.md §3). A locator is
// `<18-char 01g id>-<offset>`; it can be fetched again until it expires (about 15 minutes
// after its last use), as Salesforce allows.

import { ApiError } from '../model/index.js'

const LIFETIME_MS = 15 * 60_000

interface Cursor {
  records: object[]
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
  ) {}

  /** The first page of a result; keeps the rest behind a locator when there is more. */
  firstPage(
    result: { totalSize: number; records: object[] },
    pageSize: number,
    apiVersion: string,
  ): QueryPage {
    if (result.records.length <= pageSize) {
      return { totalSize: result.totalSize, done: true, records: result.records }
    }
    this.prune()
    const id = this.newId()
    this.cursors.set(id, {
      records: result.records,
      totalSize: result.totalSize,
      pageSize,
      lastUsed: this.now().getTime(),
    })
    return this.page(id, 0, apiVersion)
  }

  /** The page at `<id>-<offset>`; 400 INVALID_QUERY_LOCATOR when unknown or expired. */
  next(locator: string, apiVersion: string): QueryPage {
    this.prune()
    const m = /^(01g[0-9A-Za-z]{15})-(\d+)$/.exec(locator)
    const cursor = m ? this.cursors.get(m[1]!) : undefined
    const offset = m ? Number(m[2]) : NaN
    if (!m || !cursor || offset > cursor.records.length) {
      // [B] Salesforce's status for a bad locator is not documented; 400 is the likely one.
      throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
    }
    cursor.lastUsed = this.now().getTime()
    return this.page(m[1]!, offset, apiVersion)
  }

  private page(id: string, offset: number, apiVersion: string): QueryPage {
    const cursor = this.cursors.get(id)!
    const end = offset + cursor.pageSize
    const records = cursor.records.slice(offset, end)
    if (end >= cursor.records.length) return { totalSize: cursor.totalSize, done: true, records }
    return {
      totalSize: cursor.totalSize,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${id}-${end}`,
      records,
    }
  }

  private prune(): void {
    const oldest = this.now().getTime() - LIFETIME_MS
    for (const [id, c] of this.cursors) if (c.lastUsed < oldest) this.cursors.delete(id)
  }
}
