// The org's API request limits (salesforce-api.md §5): a rolling 24-hour counter that every
// counted call moves, and the cap on concurrent long-running requests.

const MINUTE = 60_000
const DAY_MINUTES = 24 * 60

export interface ApiLimitsOptions {
  /** DailyApiRequests Max. Default 15000 (a Developer Edition org). */
  dailyMax: number
  /** A request running at least this long counts as long-running. Salesforce uses 20 s. */
  longRunningMs: number
  /** Concurrent long-running requests allowed: 25 in production, 5 in Developer Edition. */
  maxLongRunning: number
  now: () => Date
}

export class ApiLimits {
  /** Counts per minute, oldest first: [minuteNumber, count]. */
  private readonly buckets: [number, number][] = []
  private total = 0
  private readonly inFlight = new Map<number, number>()
  private nextFlightId = 1

  constructor(private readonly opts: ApiLimitsOptions) {}

  max(): number {
    return this.opts.dailyMax
  }

  used(): number {
    this.evict()
    return this.total
  }

  remaining(): number {
    return Math.max(0, this.max() - this.used())
  }

  /** True when the daily allowance is spent: the next counted call gets 403. */
  exhausted(): boolean {
    return this.used() >= this.max()
  }

  count(n = 1): void {
    const minute = Math.floor(this.opts.now().getTime() / MINUTE)
    const last = this.buckets[this.buckets.length - 1]
    if (last && last[0] === minute) last[1] += n
    else this.buckets.push([minute, n])
    this.total += n
  }

  /** Spend the rest of the day's allowance (fault injection). */
  spendAll(): void {
    const rest = this.max() - this.used()
    if (rest > 0) this.count(rest)
  }

  /** Forget every counted call. */
  reset(): void {
    this.buckets.length = 0
    this.total = 0
  }

  /**
   * Register a request as running; returns its handle, or undefined when too many
   * long-running requests are already in flight (403 ConcurrentPerOrgLongTxn).
   */
  begin(): number | undefined {
    const now = Date.now()
    let longRunning = 0
    for (const started of this.inFlight.values()) {
      if (now - started >= this.opts.longRunningMs) longRunning++
    }
    if (longRunning >= this.opts.maxLongRunning) return undefined
    const id = this.nextFlightId++
    this.inFlight.set(id, now)
    return id
  }

  end(handle: number): void {
    this.inFlight.delete(handle)
  }

  private evict(): void {
    const oldest = Math.floor(this.opts.now().getTime() / MINUTE) - DAY_MINUTES
    while (this.buckets.length > 0 && this.buckets[0]![0] <= oldest) {
      this.total -= this.buckets.shift()![1]
    }
  }
}
