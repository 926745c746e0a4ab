// grant_type=authorization_code (the web-server flow, with optional PKCE): exchanges a code
// from `/services/oauth2/authorize` for an access token and a refresh token.

import type { EmulatorState } from '../server/emulator-state.js'
import { authenticateClient, findUser, requireActive } from './client-auth.js'
import { verifierMatches } from './authorization-codes.js'
import { OAuthFailure, unsupportedGrant } from './oauth-failure.js'
import { issueToken } from './token-response.js'

// [B] Salesforce's wording for an unknown, used or expired code.
const invalidCode = () => new OAuthFailure('invalid_grant', 'invalid authorization code')

export function authorizationCodeGrant(
  state: EmulatorState,
  params: Record<string, string>,
): Record<string, string> {
  const pending = params.code === undefined ? undefined : state.authCodes.peek(params.code)
  const known = params.client_id === undefined ? undefined : state.apps.get(params.client_id)
  // The secret may be left out only for a code issued with a PKCE challenge (a public client)
  // and when the app does not "Require Secret for Web Server Flow". Whether the token request
  // carries a verifier does not decide it: a code without a challenge needs the secret. An
  // unknown or expired code is answered invalid_grant below, not invalid_client.
  const secretRequired =
    known?.requireSecretForWebServerFlow === true ||
    (pending !== undefined && pending.challenge === undefined)
  // Checked before the code is taken, so a refused client does not use it up.
  const app = authenticateClient(state, params, secretRequired)
  if (!app.flows.includes('authorization_code')) throw unsupportedGrant()
  const entry = params.code === undefined ? undefined : state.authCodes.take(params.code)
  if (!entry || entry.appId !== app.consumerKey) throw invalidCode()
  if (params.redirect_uri !== entry.redirectUri) {
    throw new OAuthFailure('redirect_uri_mismatch', 'redirect_uri must match configuration')
  }
  // SF-REST (web server flow): a challenge sent to /authorize with no verifier in the token
  // request fails with invalid_grant; a mismatch is answered `invalid_grant` / `invalid code
  // verifier` by real orgs (C-3p: salesforce.stackexchange 330168), though the page says
  // invalid_request.
  if (entry.challenge !== undefined && !verifierMatches(entry, params.code_verifier ?? '')) {
    throw new OAuthFailure('invalid_grant', 'invalid code verifier')
  }
  const user = findUser(state, entry.username)
  if (!user) throw invalidCode()
  requireActive(user)
  const refreshToken = app.flows.includes('refresh_token')
    ? state.sessions.issueRefreshToken(user, app.consumerKey)
    : null
  return issueToken(state, user, app, { signed: true, refreshToken })
}
