// The error of a failed OAuth token request, with a hint per likely cause (salesforce-api.md §1.9).

import type { ErrorSource } from '../util/index.js'
import { SalesforceError } from './salesforce-error.js'

/** The grant a token request used; `authorization_code` is the web-server flow's code exchange. */
export type AuthFlow =
  'password' | 'client_credentials' | 'jwt_bearer' | 'refresh_token' | 'authorization_code'

export interface LoginErrorDetails {
  connection: string
  flow: AuthFlow
  /** HTTP status of the token endpoint's answer; undefined when none came (network error). */
  status?: number
  /** OAuth `error`, e.g. `invalid_grant`. */
  error?: string
  /** OAuth `error_description`, e.g. `authentication failure`. */
  errorDescription?: string
  cause?: unknown
}

/**
 * A login that failed. Codes: `LOGIN_FAILED` (Salesforce refused the credentials),
 * `LOGIN_SIGNATURE_INVALID` (the answer's signature does not match the consumer secret),
 * `LOGIN_UNAVAILABLE` (network error, timeout, 5xx or a non-JSON page from the login host).
 */
export type LoginErrorCode = 'LOGIN_FAILED' | 'LOGIN_SIGNATURE_INVALID' | 'LOGIN_UNAVAILABLE'

export class LoginError extends SalesforceError {
  declare readonly code: LoginErrorCode
  override get source(): ErrorSource {
    return 'salesforce-login'
  }
  readonly flow: AuthFlow
  readonly status: number | undefined
  readonly error: string | undefined
  readonly errorDescription: string | undefined
  /** What to check, in words; also at the end of `message`. */
  readonly hint: string

  constructor(code: LoginErrorCode, what: string, details: LoginErrorDetails) {
    const hint = loginHint(code, details)
    super(code, `connection '${details.connection}': ${what}; ${hint}`, details)
    this.name = 'LoginError'
    this.flow = details.flow
    this.status = details.status
    this.error = details.error
    this.errorDescription = details.errorDescription
    this.hint = hint
  }
}

function loginHint(code: LoginErrorCode, d: LoginErrorDetails): string {
  if (code === 'LOGIN_SIGNATURE_INVALID') {
    return 'check the consumer secret; if it is right, the answer did not come from Salesforce'
  }
  if (code === 'LOGIN_UNAVAILABLE') {
    return 'check the login URL and the network; the login host may be down or in maintenance'
  }
  const description = (d.errorDescription ?? '').toLowerCase()
  switch (d.error) {
    case 'invalid_client_id':
      return 'check the consumer key (client id) of the connected app'
    case 'invalid_client':
      return d.flow === 'authorization_code'
        ? 'check the consumer secret (client secret); an app that requires the secret for the web-server flow refuses a code exchange without it'
        : 'check the consumer secret (client secret) of the connected app'
    case 'redirect_uri_mismatch':
      return 'the redirect URI must be exactly the one sent to /services/oauth2/authorize and one of the callback URLs of the connected app'
    case 'unsupported_grant_type':
      return d.flow === 'client_credentials'
        ? 'enable the client credentials flow on the app and use the My Domain login URL, not login.salesforce.com or test.salesforce.com'
        : `check that the ${d.flow} flow is enabled on the connected app and allowed by the org`
    case 'invalid_app_access':
      return 'have an administrator pre-authorise the user for this app (profile or permission set)'
    case 'inactive_org':
      return 'the org is inactive; check the login URL and the org'
    case 'rate_limit_exceeded':
      return 'too many logins for this user; wait before trying again'
    case 'invalid_grant':
      break
    default:
      return 'check the connection settings'
  }
  if (d.flow === 'authorization_code') {
    // [B] Salesforce's words: `invalid code verifier`, `invalid authorization code`.
    return description.includes('verifier')
      ? 'the PKCE code_verifier does not match the code_challenge sent to /services/oauth2/authorize'
      : 'the authorization code is unknown, expired or already used (a code is short-lived and single-use); authorise again'
  }
  if (description.includes('hasn') && description.includes('approved')) {
    return 'the user has not approved this app: pre-authorise the user on the connected app (Admin approved users are pre-authorized) or approve it once interactively'
  }
  if (description.includes('audience')) {
    return 'the JWT audience is wrong: use https://login.salesforce.com, https://test.salesforce.com for sandboxes, or set the audience option'
  }
  if (description.includes('assertion')) {
    return 'the JWT assertion was refused: check the certificate uploaded to the app matches the private key, the consumer key (iss), the username (sub) and the clock'
  }
  if (description.includes('inactive user')) {
    return 'the user is inactive; activate it or use another user'
  }
  if (description.includes('client credentials user')) {
    return 'set a Run As user for the client credentials flow on the app'
  }
  if (description.includes('expired') && d.flow === 'refresh_token') {
    return 'the refresh token is expired or revoked; authorise the app again to get a new one'
  }
  if (d.flow === 'password') {
    return 'check username, password and security token, IP restrictions (trusted ranges), and whether the org allows the username-password flow (blocked by default in orgs created since Summer 23)'
  }
  if (d.flow === 'jwt_bearer') {
    return 'check the certificate, that the user is pre-authorised on the app, and the audience'
  }
  return 'check the connection credentials'
}
