// Where a large ORDER BY is sorted outside the heap: the emulator's result store
// (data/result-store.ts) implements this, and the SOQL engine hands it each selected record
// as JSON with its sort key as bytes (order.ts keyBytes).

export interface SortStore {
  /**
   * Sorts `entries` by key (memcmp; equal keys keep their order) into a new result set
   * numbered from 0, keeping those from `offset` on, `limit` of them.
   */
  sorted(
    entries: Iterable<readonly [key: Uint8Array, item: string]>,
    offset: number,
    limit: number,
  ): { set: number; size: number }
  /** Up to `count` items of a set from position `from`, in order. */
  page(set: number, from: number, count: number): string[]
  /** Forgets a result set. */
  drop(set: number): void
}
