// The 'request' and 'response' events of each attempt (client-events.ts), at no cost when
// nobody listens. Payloads hold the path without its query string, never headers or bodies.

import type { EventEmitter } from 'node:events'
import type { ClientEventMap } from '../client-events.js'
import { pathOnly } from '../request-target.js'
import type { Call, Send, Step } from './call.js'

export function eventsStep(events: EventEmitter<ClientEventMap>): Step {
  return (next) => {
    const observed: Send = async (call) => {
      const started = performance.now()
      events.emit('request', eventOf(call))
      const answer = await next(call)
      if (events.listenerCount('response') > 0) {
        events.emit('response', {
          ...eventOf(call),
          status: answer.status,
          durationMs: performance.now() - started,
        })
      }
      return answer
    }
    return (call) =>
      events.listenerCount('request') === 0 && events.listenerCount('response') === 0
        ? next(call)
        : observed(call)
  }
}

function eventOf(call: Call) {
  return {
    connection: call.connection,
    method: call.method,
    path: pathOnly(call.path),
    attempt: call.attempt,
  }
}
