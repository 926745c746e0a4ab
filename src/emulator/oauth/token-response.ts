// Builds a successful token response (salesforce-api.md §1.7, §1.8) and the bookkeeping
// every grant shares: the login limit per user per hour and the login counters.

import { createHmac } from 'node:crypto'
import type { ConnectedAppConfig } from '../org/org-file.js'
import type { EmulatorState, UserAccount } from '../server/emulator-state.js'
import { OAuthFailure } from './oauth-failure.js'

const HOUR = 3_600_000

/** base64(HMAC-SHA256(key = client secret, message = id + issued_at)) */
export function tokenSignature(clientSecret: string, id: string, issuedAt: string): string {
  return createHmac('sha256', clientSecret)
    .update(id + issuedAt)
    .digest('base64')
}

export function identityUrl(state: EmulatorState, userId: string): string {
  return `${state.instanceUrl()}/id/${state.orgId}/${userId}`
}

/**
 * Count a login, refusing it when the user already logged in `loginsPerUserPerHour` times in
 * the last hour. [B] Salesforce's token endpoint body for this case is not documented; its
 * error table lists `rate_limit_exceeded` / "number of logins exceeded".
 */
export function recordLogin(state: EmulatorState, user: UserAccount): void {
  const now = state.now().getTime()
  const key = user.username.toLowerCase()
  const recent = (state.loginTimes.get(key) ?? []).filter((t) => t > now - HOUR)
  if (recent.length >= state.config.settings.loginsPerUserPerHour) {
    state.loginTimes.set(key, recent)
    throw new OAuthFailure('rate_limit_exceeded', 'number of logins exceeded')
  }
  recent.push(now)
  state.loginTimes.set(key, recent)
  state.stats.logins.set(user.username, (state.stats.logins.get(user.username) ?? 0) + 1)
}

export interface TokenOptions {
  /** JWT bearer answers carry no signature or issued_at in Salesforce's documented example. */
  signed: boolean
  refreshToken?: string | null
  /** The refresh token the new session belongs to, so revoking it revokes the session. */
  fromRefreshToken?: string | null
}

export function issueToken(
  state: EmulatorState,
  user: UserAccount,
  app: ConnectedAppConfig,
  opts: TokenOptions,
): Record<string, string> {
  recordLogin(state, user)
  const session = state.sessions.issue(
    user,
    app.consumerKey,
    opts.fromRefreshToken ?? opts.refreshToken ?? null,
  )
  const id = identityUrl(state, user.id)
  const issuedAt = String(session.issuedAt)
  const out: Record<string, string> = { access_token: session.accessToken }
  if (opts.refreshToken) out.refresh_token = opts.refreshToken
  Object.assign(out, { instance_url: state.instanceUrl(), id, token_type: 'Bearer' })
  if (opts.signed) {
    out.issued_at = issuedAt
    out.signature = tokenSignature(app.consumerSecret, id, issuedAt)
  }
  out.scope = app.scopes.join(' ')
  return out
}
