// Chains steps around the one send at the end, like undici's `compose` of interceptors around
// `dispatch`: the first step is the outermost, it sees the call first and the answer last.

import type { Send, Step } from './call.js'

export function composeSteps(steps: readonly Step[], send: Send): Send {
  let next = send
  for (let i = steps.length - 1; i >= 0; i--) next = (steps[i] as Step)(next)
  return next
}
