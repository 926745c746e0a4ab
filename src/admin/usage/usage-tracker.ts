// API usage per connection, from the Sforce-Limit-Info header the client tracks
// (`api-usage=used/max`, salesforce-api.md §5): a small time series in memory per connection.

export interface UsagePoint {
  at: string
  used: number
  max: number
}

/** What the client exposes as `client.limits` (a structural copy: admin does not import the client). */
export interface LimitSample {
  used: number
  max: number
  at: Date
}

export class UsageTracker {
  readonly #series = new Map<string, UsagePoint[]>()
  readonly #capacity: number

  /** Keeps the newest `capacity` points per connection (default 288: a day at 5 minutes). */
  constructor(capacity = 288) {
    this.#capacity = capacity
  }

  /**
   * Adds a sample unless it is not newer than the last one recorded. Two clients feed one series
   * (the runtime's, sampled on every read, and each Ping's own), so the runtime's older figure
   * read again after a Ping must not go in after the Ping's newer one: the line would go back.
   */
  record(connection: string, sample: LimitSample | undefined): void {
    if (!sample) return
    const series = this.#series.get(connection) ?? []
    const at = sample.at.toISOString()
    const last = series.at(-1)
    // ISO 8601 strings of one format compare in time order.
    if (last && at <= last.at) return
    series.push({ at, used: sample.used, max: sample.max })
    if (series.length > this.#capacity) series.splice(0, series.length - this.#capacity)
    this.#series.set(connection, series)
  }

  series(connection: string): UsagePoint[] {
    return [...(this.#series.get(connection) ?? [])]
  }

  forget(connection: string): void {
    this.#series.delete(connection)
  }

  rename(from: string, to: string): void {
    const series = this.#series.get(from)
    if (!series) return
    this.#series.delete(from)
    this.#series.set(to, series)
  }
}
