// The in-memory UsageStore (usage-store.ts): a small time series per connection in this
// process's memory.
import type { LimitSample, UsagePoint, UsageStore } from './usage-store.js'

export class MemoryUsageStore implements UsageStore {
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
  record(connection: string, sample: LimitSample | undefined): Promise<void> {
    if (!sample) return Promise.resolve()
    const series = this.#series.get(connection) ?? []
    const at = sample.at.toISOString()
    const last = series.at(-1)
    // ISO 8601 strings of one format compare in time order.
    if (last && at <= last.at) return Promise.resolve()
    series.push({ at, used: sample.used, max: sample.max })
    if (series.length > this.#capacity) series.splice(0, series.length - this.#capacity)
    this.#series.set(connection, series)
    return Promise.resolve()
  }

  series(connection: string): Promise<UsagePoint[]> {
    return Promise.resolve([...(this.#series.get(connection) ?? [])])
  }

  forget(connection: string): Promise<void> {
    this.#series.delete(connection)
    return Promise.resolve()
  }

  rename(from: string, to: string): Promise<void> {
    const series = this.#series.get(from)
    if (series) {
      this.#series.delete(from)
      this.#series.set(to, series)
    }
    return Promise.resolve()
  }
}
