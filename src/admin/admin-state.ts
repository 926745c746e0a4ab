// Everything the admin routes share: the action context plus sessions, the sign-in limiter and
// the optional bearer token.
import type { AdminContext } from './admin-context.js'
import type { SessionStore, SignInLimiter } from '../runtime/index.js'

export interface AdminState {
  ctx: AdminContext
  sessions: SessionStore
  limiter: SignInLimiter
  apiToken: string | undefined
  secureCookie: boolean
}
