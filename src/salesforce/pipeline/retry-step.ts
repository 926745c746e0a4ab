// Salesforce retries (salesforce-api.md §7; docs/client.md "Retries"): an attempt that failed
// on the network, or an answer that says "try again", is sent again while attempts remain and
// the rules of retry-policy.ts allow it, after a backoff with full jitter or the Retry-After.

import type { EventEmitter } from 'node:events'
import type { ClientEventMap, ClientLogger } from '../client-events.js'
import type { RetryOptions } from '../client-options.js'
import { header } from '../http-transport.js'
import {
  fullJitterDelay,
  mayRetryAnswer,
  mayRetryNetworkError,
  parseRetryAfter,
} from '../retry-policy.js'
import { pathOnly } from '../request-target.js'
import { answerError, isAccepted } from './call.js'
import type { Answer, Call, Step } from './call.js'
import { SendFailure } from './send-failure.js'
import { SalesforceError } from '../salesforce-error.js'

export interface RetryStepOptions {
  retry: Readonly<Required<RetryOptions>>
  /** The client's per-attempt timeout; a call's own `attemptTimeoutMs` wins. */
  attemptTimeoutMs: number
  events: EventEmitter<ClientEventMap>
  logger: ClientLogger | undefined
}

export function retryStep({ retry, attemptTimeoutMs, events, logger }: RetryStepOptions): Step {
  const { maxAttempts, baseDelayMs, maxDelayMs } = retry

  async function backoff(call: Call, reason: string, retryAfterMs: number | undefined) {
    const delayMs = retryAfterMs ?? fullJitterDelay(call.attempt, baseDelayMs, maxDelayMs)
    const event = {
      connection: call.connection,
      method: call.method,
      path: pathOnly(call.path),
      attempt: call.attempt,
      delayMs,
      reason,
    }
    if (events.listenerCount('retry') > 0) events.emit('retry', event)
    logger?.warn(event, 'salesforce call retried')
    await call.deadline.sleep(delayMs)
  }

  /**
   * Cutting a stalled attempt short only helps when it may be sent again: an idempotent call
   * (or `retry: 'always'`) with attempts to spare. Any other call waits for its whole deadline,
   * since a POST that stalled may have reached Salesforce and must not be replayed.
   */
  function attemptTimeout(call: Call): number {
    const whole = call.deadline.timeoutMs
    const own = call.options.attemptTimeoutMs
    if (own !== undefined && !(Number.isInteger(own) && own > 0)) {
      throw new SalesforceError(
        'INVALID_REQUEST',
        `connection '${call.connection}': ${call.method} ${pathOnly(call.options.path)}: option 'attemptTimeoutMs' must be a positive whole number of milliseconds`,
        { connection: call.connection },
      )
    }
    const retriable =
      call.replayable && maxAttempts > 1 && mayRetryNetworkError(call.method, call.policy)
    return retriable ? Math.min(own ?? attemptTimeoutMs, whole) : whole
  }

  return (next) => async (call) => {
    call.attemptTimeoutMs = attemptTimeout(call)
    for (;;) {
      call.attempt++
      let answer: Answer
      try {
        answer = await next(call)
      } catch (err) {
        const net = err instanceof SendFailure ? err.networkCode : undefined
        // A request that never left (refused, nothing written) may go again even as a POST.
        const neverSent = err instanceof SendFailure && err.neverSent
        if (
          net &&
          call.replayable &&
          call.attempt < maxAttempts &&
          mayRetryNetworkError(call.method, call.policy, neverSent)
        ) {
          await backoff(call, net, undefined)
          continue
        }
        throw err
      }
      if (isAccepted(call, answer.status) || !call.replayable || call.attempt >= maxAttempts) {
        return answer
      }
      const error = answerError(call, answer)
      const codes = error.errors.map((e) => e.errorCode ?? e.statusCode ?? '')
      if (mayRetryAnswer(call.method, call.policy, answer.status, codes)) {
        const after = parseRetryAfter(header(answer, 'retry-after'), Date.now())
        // A Retry-After longer than we agree to wait: the caller gets the error now.
        if (after === undefined || after <= maxDelayMs) {
          await backoff(call, error.errorCode ?? String(answer.status), after)
          continue
        }
      }
      return answer
    }
  }
}
