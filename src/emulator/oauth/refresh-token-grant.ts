// grant_type=refresh_token (salesforce-api.md §1.6): a new access token for the refresh
// token's user; with rotation on, a new refresh token replaces (and revokes) the old one.

import type { EmulatorState } from '../server/emulator-state.js'
import { authenticateClient, findUser, requireActive } from './client-auth.js'
import { OAuthFailure, unsupportedGrant } from './oauth-failure.js'
import { issueToken } from './token-response.js'

export function refreshTokenGrant(
  state: EmulatorState,
  params: Record<string, string>,
): Record<string, string> {
  // The secret is optional unless the app requires it (jsforce sends it when it has it).
  const app = authenticateClient(state, params, false)
  if (!app.flows.includes('refresh_token')) throw unsupportedGrant()
  const entry =
    params.refresh_token === undefined
      ? undefined
      : state.sessions.refreshToken(params.refresh_token)
  if (!entry || entry.appId !== app.consumerKey)
    throw new OAuthFailure('invalid_grant', 'expired access/refresh token')
  const user = findUser(state, entry.username)
  if (!user) throw new OAuthFailure('invalid_grant', 'expired access/refresh token')
  requireActive(user)
  if (!app.refreshTokenRotation)
    return issueToken(state, user, app, { signed: true, fromRefreshToken: entry.token })
  state.sessions.revoke(entry.token)
  const next = state.sessions.issueRefreshToken(user, app.consumerKey)
  return issueToken(state, user, app, { signed: true, refreshToken: next })
}
