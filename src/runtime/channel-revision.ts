// The store's revision read at most once per event-loop turn, for the request path. Asking SQLite
// (PRAGMA data_version on a WAL file takes a read lock: a few µs, tens under load) twice per
// request (channels, then connections) was the largest single cost left on the channel path.
// A change is seen from the next turn on: a request that arrives after a change (a later
// network event, so a later turn) always sees it; one handled in the very turn the change was
// made raced with it anyway.

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
