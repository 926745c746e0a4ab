// The writes of the open transaction, handed to one listener once the transaction commits
// (the Pub/Sub server turns them into change events). Nothing is gathered while nobody
// listens: a Bulk load of millions of rows then keeps no before/after copies at all.

import type { RecordRow } from '../model/index.js'

/** One row written in a committed transaction: before and after (undefined when absent). */
export interface RowChange {
  objectName: string
  before: RecordRow | undefined
  after: RecordRow | undefined
}

export class CommitFeed {
  private written: RowChange[] = []
  private listener: ((changes: RowChange[]) => void) | undefined

  /** One listener; it must not write to the store. Undefined stops listening. */
  listen(listener: ((changes: RowChange[]) => void) | undefined): void {
    this.listener = listener
  }

  /** Whether writes need recording (callers skip reading the row before a write otherwise). */
  get listening(): boolean {
    return this.listener !== undefined
  }

  record(change: RowChange): void {
    if (this.listener) this.written.push(change)
  }

  /** The transaction committed: the listener hears its writes, in order. */
  committed(): void {
    const written = this.written
    this.written = []
    if (written.length > 0) this.listener?.(written)
  }

  /** The transaction rolled back: its writes never happened. */
  rolledBack(): void {
    this.written = []
  }
}
