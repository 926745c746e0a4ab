// Redirects (issue 3): a GET or HEAD follows up to 3 of 301/302/303/307/308; Authorization goes
// only to the token's instance, never to another origin. Other methods get the 3xx as is.
// (undici's interceptors.redirect also follows 300 and POSTs: see http-transport.ts.)

import { header } from '../http-transport.js'
import type { Step } from './call.js'

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 3

export function redirectStep(): Step {
  return (next) => async (call) => {
    let answer = await next(call)
    if (!REDIRECTS.has(answer.status) || (call.method !== 'GET' && call.method !== 'HEAD')) {
      return answer
    }
    // Errors, events and retries keep naming the attempt's own path, not the redirect's.
    try {
      for (let hops = 0; hops < MAX_REDIRECTS && REDIRECTS.has(answer.status); hops++) {
        const location = header(answer, 'location')
        if (!location) break
        answer.stream?.destroy()
        const from = call.redirect ?? call
        const target = new URL(location, from.origin + from.path)
        call.redirect = { origin: target.origin, path: target.pathname + target.search }
        answer = await next(call)
      }
    } finally {
      call.redirect = undefined
    }
    return answer
  }
}
