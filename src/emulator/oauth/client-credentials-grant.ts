// grant_type=client_credentials (salesforce-api.md §1.4): runs as the app's run-as user,
// on the My Domain host only. The emulator's own address counts as the My Domain host
// unless it is started in "generic login host" mode.

import type { EmulatorState } from '../server/emulator-state.js'
import { authenticateClient, findUser, requireActive } from './client-auth.js'
import { OAuthFailure, unsupportedGrant } from './oauth-failure.js'
import { issueToken } from './token-response.js'

export function clientCredentialsGrant(
  state: EmulatorState,
  params: Record<string, string>,
): Record<string, string> {
  if (state.settings.genericLoginHost) {
    // [B] login.salesforce.com refuses this flow; the exact body varies between reports.
    throw new OAuthFailure('invalid_request', 'request not supported on this domain')
  }
  const app = authenticateClient(state, params, true)
  if (!app.flows.includes('client_credentials')) throw unsupportedGrant()
  const user = findUser(state, app.runAs)
  if (!user) throw new OAuthFailure('invalid_grant', 'no client credentials user enabled')
  requireActive(user)
  return issueToken(state, user, app, { signed: true })
}
