// The channels' cancellation without an AbortController up front: what a service sees through
// ctx.signal must be what an AbortController would have given it, whenever it reads the signal.
import { describe, expect, it } from 'vitest'
import { LazyAbort } from '../../src/runtime/services/index.js'

describe('LazyAbort', () => {
  it('aborts a signal read before the abort, with the reason, and calls each listener once', () => {
    const abort = new LazyAbort()
    const signal = abort.signal
    const heard: string[] = []
    signal.addEventListener('abort', () => heard.push(`signal:${(signal.reason as Error).message}`))
    abort.onAbort((reason) => heard.push(`listener:${reason.message}`))
    abort.abort(new Error('too slow'))
    abort.abort(new Error('again'))
    expect(heard).toEqual(['signal:too slow', 'listener:too slow'])
    expect(abort.aborted).toBe(true)
    expect(abort.reason?.message).toBe('too slow')
  })

  it('gives a signal read after the abort that is aborted already, with the same reason', () => {
    const abort = new LazyAbort()
    const reason = new Error('caller went away')
    abort.abort(reason)
    expect(abort.signal.aborted).toBe(true)
    expect(abort.signal.reason).toBe(reason)
  })

  it('calls no listener that was taken off, and aborts with an AbortError when given no reason', () => {
    const abort = new LazyAbort()
    const heard: unknown[] = []
    const listener = (reason: Error) => heard.push(reason)
    abort.onAbort(listener)
    abort.offAbort(listener)
    abort.abort()
    expect(heard).toEqual([])
    expect(abort.reason?.name).toBe('AbortError')
    expect(abort.signal.reason).toBe(abort.reason)
  })
})
