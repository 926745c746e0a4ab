// The deadline of a call: one timeout over every attempt, login and backoff wait, joined with
// the caller's AbortSignal. An abort becomes TIMEOUT or ABORTED; the timer ends with the call.

import { SalesforceError } from '../salesforce-error.js'
import { CallDeadline } from './call-deadline.js'
import { pathOnly } from '../request-target.js'
import type { Step } from './call.js'

export function deadlineStep(defaultTimeoutMs: number): Step {
  return (next) => async (call) => {
    const o = call.options
    const deadline = (call.deadline = new CallDeadline(o.timeoutMs ?? defaultTimeoutMs, o.signal))
    // A stream answer is still being read when the call returns: the caller's signal must
    // still be able to abort it.
    let keepUserAbort = false
    try {
      const answer = await next(call)
      keepUserAbort = answer.stream !== undefined
      return answer
    } catch (err) {
      // Waits (for a login, a slot, a backoff) end with a plain 'aborted' error: say which.
      if (deadline.aborted && !(err instanceof SalesforceError)) {
        throw deadline.abortError(
          call.connection,
          `${call.method} ${pathOnly(o.path)}`,
          err,
          call.method,
        )
      }
      throw err
    } finally {
      deadline.dispose(keepUserAbort)
    }
  }
}
