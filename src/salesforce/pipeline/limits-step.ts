// API limits (salesforce-api.md §5) in two steps: the reserve is checked once per call, before
// anything is sent; every answer's Sforce-Limit-Info is recorded (after redirects, for retried
// and replayed attempts too) and announced as a 'limits' event when someone listens.

import type { EventEmitter } from 'node:events'
import type { ClientEventMap } from '../client-events.js'
import type { LimitTracker } from '../limit-tracker.js'
import type { Step } from './call.js'

/** Fails with API_LIMIT_RESERVE, without sending, while fresh figures are below the reserve. */
export function limitReserveStep(limits: LimitTracker): Step {
  return (next) => (call) => {
    limits.check(call.method, call.options.path)
    return next(call)
  }
}

/** Records the figures of each answer. */
export function limitTrackingStep(
  limits: LimitTracker,
  events: EventEmitter<ClientEventMap>,
): Step {
  return (next) => async (call) => {
    const answer = await next(call)
    const value = answer.headers['sforce-limit-info']
    if (value !== undefined) {
      const info = limits.update(value)
      if (info && events.listenerCount('limits') > 0) events.emit('limits', info)
    }
    return answer
  }
}
