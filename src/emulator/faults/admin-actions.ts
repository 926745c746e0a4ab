// Admin actions shared by the HTTP admin API and the startEmulator handle.

import { ForcebridgeError } from '../../util/index.js'
import type { EmulatorState } from '../server/emulator-state.js'

export interface EmulatorStatsView {
  /** Successful token grants per username. */
  logins: Record<string, number>
  /** Counted data API requests. */
  requests: number
  /** Calls to the token endpoint, successful or not. */
  tokenRequests: number
  /** Successful token grants per grant_type (password, client_credentials, refresh_token, ...). */
  grants: Record<string, number>
  apiUsage: { used: number; max: number }
}

export function statsBody(state: EmulatorState): EmulatorStatsView {
  return {
    logins: Object.fromEntries(state.stats.logins),
    requests: state.stats.requests,
    tokenRequests: state.stats.tokenRequests,
    grants: Object.fromEntries(state.stats.grants),
    apiUsage: { used: state.limits.used(), max: state.limits.max() },
  }
}

/** A refresh token as the web-server flow would issue it, without a browser. */
export function issueRefreshToken(
  state: EmulatorState,
  username: string,
  consumerKey: string,
): string {
  const user = state.users.get(username.toLowerCase())
  if (!user)
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `no user ${username} in the emulated org; use a username from the org file.`,
    )
  const app = state.apps.get(consumerKey)
  if (!app)
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `no connected app with consumer key ${consumerKey} in the emulated org.`,
    )
  return state.sessions.issueRefreshToken(user, app.consumerKey)
}
