// `POST /services/oauth2/introspect` (RFC 7662, salesforce-api.md §1.10 [B]): whether a token
// is active, for whom and until when. The caller authenticates as the connected app.

import type { EmulatorState } from '../server/emulator-state.js'
import { authenticateClient } from './client-auth.js'
import { identityUrl } from './token-response.js'

export function introspectBody(
  state: EmulatorState,
  params: Record<string, string>,
): Record<string, unknown> {
  authenticateClient(state, params, true)
  const found = params.token === undefined ? undefined : state.sessions.inspect(params.token)
  if (!found) return { active: false }
  const { userId, username, appId } =
    found.kind === 'access_token' ? { ...found.session } : { ...found.entry }
  const app = appId === null ? undefined : state.apps.get(appId)
  const out: Record<string, unknown> = {
    active: true,
    scope: app?.scopes.join(' ') ?? 'api',
    client_id: appId,
    username,
    sub: identityUrl(state, userId),
    token_type: found.kind,
  }
  if (found.kind === 'access_token') {
    const iat = Math.floor(found.session.issuedAt / 1000)
    Object.assign(out, { exp: Math.floor(found.expiresAt / 1000), iat, nbf: iat })
  }
  return out
}
