// The store's revision read at most once per event-loop turn, for channel admission. Asking
// SQLite (PRAGMA data_version on a WAL file takes a read lock: a few µs, tens under load) on
// every request was one of the largest costs left on the channel path.
// A change is seen from the next turn on: a request arrives through the network, so one that
// comes after a change is read in a later turn and sees it; one handled in the very turn the
// change was made raced with it anyway. Code that writes and then reads without I/O in between
// (an invocation right after a connection edit) needs the exact revision, not this one.

/**
 * `revision` memoised until the current event-loop turn ends.
 *
 * @example
 * const revision = revisionPerTurn(() => store.revision())
 */
export function revisionPerTurn(revision: () => string): () => string {
  let cached: string | undefined
  const forget = () => {
    cached = undefined
  }
  return () => {
    if (cached === undefined) {
      cached = revision()
      setImmediate(forget)
    }
    return cached
  }
}
