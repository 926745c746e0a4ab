// The client's request path, outermost step first. Each step is a file of its own; the order
// is the design, so it is written out here:
//
//   limit reserve → deadline → retries → auth → events → concurrency → limit tracking →
//   redirects → send
//
// Retries sit outside auth, so a replay after a new login is not an attempt; events and
// concurrency sit inside retries, so every attempt is announced and waits for a slot of its
// own; limit tracking sees each attempt's final answer after its redirects.

import type { EventEmitter } from 'node:events'
import type { ClientEventMap, ClientLogger } from '../client-events.js'
import type { RetryOptions } from '../client-options.js'
import type { HttpTransport } from '../http-transport.js'
import type { LimitTracker } from '../limit-tracker.js'
import type { TokenProvider } from '../token-provider.js'
import { authStep } from './auth-step.js'
import type { Send } from './call.js'
import { composeSteps } from './compose-steps.js'
import { concurrencyStep } from './concurrency-step.js'
import { deadlineStep } from './deadline-step.js'
import { eventsStep } from './events-step.js'
import { limitReserveStep, limitTrackingStep } from './limits-step.js'
import { redirectStep } from './redirect-step.js'
import { retryStep } from './retry-step.js'
import { sendStep } from './send-step.js'

export interface RequestPipelineOptions {
  connection: string
  dataPrefix: string
  timeoutMs: number
  attemptTimeoutMs: number
  maxConcurrency: number
  maxRelogins: number
  retry: Readonly<Required<RetryOptions>>
  tokens: TokenProvider
  limits: LimitTracker
  transport: HttpTransport
  events: EventEmitter<ClientEventMap>
  logger: ClientLogger | undefined
}

export function requestPipeline(o: RequestPipelineOptions): Send {
  return composeSteps(
    [
      limitReserveStep(o.limits),
      deadlineStep(o.timeoutMs),
      retryStep({
        retry: o.retry,
        attemptTimeoutMs: o.attemptTimeoutMs,
        events: o.events,
        logger: o.logger,
      }),
      authStep({
        tokens: o.tokens,
        connection: o.connection,
        dataPrefix: o.dataPrefix,
        maxRelogins: o.maxRelogins,
      }),
      eventsStep(o.events),
      concurrencyStep(o.maxConcurrency),
      limitTrackingStep(o.limits, o.events),
      redirectStep(),
    ],
    sendStep(o.transport),
  )
}
