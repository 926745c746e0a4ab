// Auth: each attempt carries the connection's current token to its instance_url (the path rule
// of request-target.ts). A 401 INVALID_SESSION_ID means the token expired or was revoked: it is
// invalidated (only if still the current one, so N calls failing together cost one login) and
// the call replayed, at most `maxRelogins` times. A 403 (limits, permissions) never logs in.

import { parseInstance, resolvePath } from '../request-target.js'
import type { Instance } from '../request-target.js'
import type { TokenInfo } from '../token-info.js'
import type { TokenProvider } from '../token-provider.js'
import { answerError, isAccepted } from './call.js'
import type { Step } from './call.js'

export interface AuthStepOptions {
  tokens: TokenProvider
  connection: string
  /** `/services/data/vNN.N/`: where a relative path goes. */
  dataPrefix: string
  maxRelogins: number
}

export function authStep({ tokens, connection, dataPrefix, maxRelogins }: AuthStepOptions): Step {
  // Parsed once per token, not per call.
  let parsedFor: TokenInfo | undefined
  let instance: Instance | undefined
  let authorization = ''

  return (next) => async (call) => {
    for (;;) {
      const token = tokens.peek() ?? (await call.deadline.race(tokens.current()))
      if (token !== parsedFor || instance === undefined) {
        instance = parseInstance(token.instanceUrl)
        authorization = `Bearer ${token.accessToken}`
        parsedFor = token
      }
      call.token = token
      call.instance = instance
      call.authorization = authorization
      call.origin = instance.origin
      call.path = resolvePath(connection, instance, dataPrefix, call.options)
      const answer = await next(call)
      if (
        answer.status === 401 &&
        call.replayable &&
        call.relogins < maxRelogins &&
        !isAccepted(call, 401) &&
        answerError(call, answer).errorCode === 'INVALID_SESSION_ID'
      ) {
        call.relogins++
        await tokens.invalidate(token)
        continue
      }
      return answer
    }
  }
}
