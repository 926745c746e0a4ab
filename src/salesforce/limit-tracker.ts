// Keeps the latest Sforce-Limit-Info figures and enforces the optional reserve (§5).

import { parseLimitInfo } from './limit-info.js'
import type { LimitInfo } from './limit-info.js'
import { SalesforceError } from './salesforce-error.js'
import { pathOnly } from './request-target.js'

/** Figures older than this no longer block calls: usage is a rolling 24-hour window. */
const RESERVE_STALE_MS = 60_000

export class LimitTracker {
  latest: LimitInfo | undefined

  constructor(
    private readonly connection: string,
    private readonly reserve: number | undefined,
    private readonly now: () => number,
  ) {}

  /** Records a header value; returns the new figures, or undefined if it held none. */
  update(value: string | string[]): LimitInfo | undefined {
    const info = parseLimitInfo(
      Array.isArray(value) ? value.join(';') : value,
      new Date(this.now()),
    )
    if (info) this.latest = info
    return info
  }

  /**
   * Throws API_LIMIT_RESERVE when fresh figures show fewer remaining requests than the reserve.
   * `path` may carry a query string: it is left out of the message.
   */
  check(method: string, path: string): void {
    const limits = this.latest
    if (this.reserve === undefined || !limits) return
    if (this.now() - limits.at.getTime() > RESERVE_STALE_MS) return
    const remaining = limits.max - limits.used
    if (remaining < this.reserve) {
      throw new SalesforceError(
        'API_LIMIT_RESERVE',
        `connection '${this.connection}': ${method} ${pathOnly(path)} not sent: ${remaining} daily API requests remain (${limits.used}/${limits.max}), below the reserve of ${this.reserve}; wait for usage to fall or lower limitReserve`,
        { connection: this.connection },
      )
    }
  }
}
