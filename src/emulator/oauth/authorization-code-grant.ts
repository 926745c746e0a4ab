// grant_type=authorization_code (the web-server flow, with optional PKCE): exchanges a code
// from `/services/oauth2/authorize` for an access token and a refresh token.

import type { EmulatorState } from '../server/emulator-state.js'
import { authenticateClient, findUser, requireActive } from './client-auth.js'
import { verifierMatches } from './authorization-codes.js'
import { OAuthFailure, unsupportedGrant } from './oauth-failure.js'
import { issueToken } from './token-response.js'

export function authorizationCodeGrant(
  state: EmulatorState,
  params: Record<string, string>,
): Record<string, string> {
  // With PKCE the secret may be left out (a public client); without it, it is required.
  const app = authenticateClient(state, params, params.code_verifier === undefined)
  if (!app.flows.includes('authorization_code')) throw unsupportedGrant()
  const entry = params.code === undefined ? undefined : state.authCodes.take(params.code)
  // [B] Salesforce's wording for an unknown, used or expired code.
  if (!entry || entry.appId !== app.consumerKey) {
    throw new OAuthFailure('invalid_grant', 'invalid authorization code')
  }
  if (params.redirect_uri !== entry.redirectUri) {
    throw new OAuthFailure('redirect_uri_mismatch', 'redirect_uri must match configuration')
  }
  if (entry.challenge !== undefined && !verifierMatches(entry, params.code_verifier ?? '')) {
    throw new OAuthFailure('invalid_grant', 'invalid code verifier')
  }
  const user = findUser(state, entry.username)
  if (!user) throw new OAuthFailure('invalid_grant', 'invalid authorization code')
  requireActive(user)
  const refreshToken = app.flows.includes('refresh_token')
    ? state.sessions.issueRefreshToken(user, app.consumerKey)
    : null
  return issueToken(state, user, app, { signed: true, refreshToken })
}
