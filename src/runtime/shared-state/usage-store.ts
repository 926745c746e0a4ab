// API usage figures per connection as a contract: a short time series of Salesforce's
// Sforce-Limit-Info (`api-usage=used/max`). Memory today (memory-usage-store.ts); Redis in a
// cluster, so the dashboard on any node shows what every node's clients saw.

export interface UsagePoint {
  /** ISO 8601, UTC. */
  at: string
  used: number
  max: number
}

/** What the client exposes as `client.limits` (a structural copy: no import of the client). */
export interface LimitSample {
  used: number
  max: number
  at: Date
}

/**
 * What every backend must keep, a cluster one across nodes:
 * - **Time order**: a sample not newer than the newest recorded for that connection is dropped,
 *   so figures from several clients (or nodes) never make the line go back.
 * - **Bounded**: the newest `capacity` points per connection are kept, the oldest dropped.
 * - **Rebuildable**: losing the series costs a gap in a chart, nothing more.
 */
export interface UsageStore {
  record(connection: string, sample: LimitSample | undefined): Promise<void>
  /** The points of `connection`, oldest first (a copy). */
  series(connection: string): Promise<UsagePoint[]>
  forget(connection: string): Promise<void>
  /** Moves the series to the connection's new name. */
  rename(from: string, to: string): Promise<void>
}
