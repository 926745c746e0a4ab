// The store's change notification as a contract: a cheap token that moves whenever the
// configuration (connections, channels, security definitions, settings) may have changed, and a
// way to hear of it. SQLite today (store-revision.ts: a local counter plus `data_version`);
// PostgreSQL later (a revision row bumped in each writing transaction, LISTEN/NOTIFY).

/**
 * What every backend must keep:
 * - **Tokens are opaque**: equal tokens mean nothing changed in between; compare, never parse.
 * - **Own writes at once**: after a write through this process's store has returned, `current()`
 *   differs from any token taken before it (a request right after an admin edit sees the edit).
 * - **Other writers soon**: a commit by another process or node moves `current()` no later than
 *   the next event-loop turn on SQLite, and within a short, bounded delay elsewhere.
 * - **`current()` is cheap and synchronous**: hot paths call it on every request, so a backend
 *   keeps the token in memory and refreshes it from notifications, never with a round trip.
 * - **Notifications may be coalesced** (several writes, one call) but never lost: after the last
 *   change, each listener is called at least once with a token equal to `current()` then.
 */
export interface ChangeNotifier {
  /** The current revision token. */
  current(): string
  /** Calls `listener` with the new token after changes; returns the unsubscribe function. */
  subscribe(listener: (revision: string) => void): () => void
}
