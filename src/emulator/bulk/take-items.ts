// Reading an iterator a step at a time: a Bulk query job stores its result rows a timer step
// at a time from one iterator over the query's records.

/** Up to `n` items of an iterator, leaving the rest in it (a for-of would close it). */
export function* take<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const next = it.next()
    if (next.done === true) return
    yield next.value
  }
}
