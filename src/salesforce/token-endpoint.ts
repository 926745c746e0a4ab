// POSTs one form to /services/oauth2/token and reads the answer (salesforce-api.md §1.2, §1.7–§1.9):
// shared by every grant, so each one fails with the same typed LoginError.

import { LoginError, type AuthFlow } from './login-error.js'
import { header, readText } from './http-transport.js'
import type { HttpTransport } from './http-transport.js'
import type { TokenInfo } from './token-info.js'
import { isTokenSignatureValid } from './token-signature.js'
import { networkErrorCode } from './retry-policy.js'
import { shortText } from './api-error-from-response.js'

/** Where the request goes and how errors name it. */
export interface TokenEndpoint {
  /** The login host, without a trailing slash. */
  readonly loginUrl: string
  /** Connection name for messages. */
  readonly name: string
  readonly timeoutMs: number
  readonly now: () => number
}

export interface TokenForm {
  flow: AuthFlow
  form: URLSearchParams
  headers?: Record<string, string>
  /** Checks the answer's signature when given (§1.8). */
  clientSecret: string | undefined
  /** Kept as the token's refresh token when the answer brings none (refresh token flow). */
  refreshToken?: string
}

/** Sends the form and turns the answer into a TokenInfo, or throws a LoginError. */
export async function sendTokenForm(
  transport: HttpTransport,
  endpoint: TokenEndpoint,
  request: TokenForm,
): Promise<TokenInfo> {
  const details = { connection: endpoint.name, flow: request.flow }
  const login = new URL(endpoint.loginUrl)
  let status: number
  let text: string
  let contentType: string | undefined
  try {
    const res = await transport.send(login.origin, {
      method: 'POST',
      path: `${login.pathname.replace(/\/$/, '')}/services/oauth2/token`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...request.headers,
      },
      body: request.form.toString(),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
      timeoutMs: endpoint.timeoutMs,
    })
    status = res.statusCode
    contentType = header(res, 'content-type')
    text = await readText(res)
  } catch (cause) {
    const code = networkErrorCode(cause) ?? (cause as Error).name
    throw new LoginError(
      'LOGIN_UNAVAILABLE',
      `the token request to ${endpoint.loginUrl} failed (${code})`,
      { ...details, cause },
    )
  }
  let body: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>
    }
  } catch {
    body = undefined
  }
  const str = (k: string): string | undefined => {
    const v = body?.[k]
    return typeof v === 'string' ? v : undefined
  }
  if (!body || status >= 500) {
    const what = body
      ? `the login host ${endpoint.loginUrl} answered HTTP ${status} ${str('error') ?? ''}`.trim()
      : `the login host ${endpoint.loginUrl} answered HTTP ${status} with ${contentType ?? 'no content type'} instead of JSON: "${shortText(text)}"`
    throw new LoginError('LOGIN_UNAVAILABLE', what, { ...details, status })
  }
  const accessToken = str('access_token')
  const instanceUrl = str('instance_url')
  if (status !== 200 || !accessToken || !instanceUrl) {
    const error = str('error')
    const errorDescription = str('error_description')
    const what = error
      ? `Salesforce answered ${error} (${errorDescription ?? 'no description'})`
      : `the token answer (HTTP ${status}) has no access_token or instance_url`
    throw new LoginError('LOGIN_FAILED', what, { ...details, status, error, errorDescription })
  }
  let instance: URL
  try {
    instance = new URL(instanceUrl)
  } catch (cause) {
    throw new LoginError('LOGIN_FAILED', `the token answer has an invalid instance_url`, {
      ...details,
      status,
      cause,
    })
  }
  const id = str('id') ?? ''
  const issuedAt = str('issued_at') ?? String(endpoint.now())
  const signature = str('signature')
  let signatureVerified: boolean | undefined
  if (signature !== undefined) {
    signatureVerified = false
    if (request.clientSecret !== undefined) {
      if (!isTokenSignatureValid(request.clientSecret, id, str('issued_at') ?? '', signature)) {
        throw new LoginError(
          'LOGIN_SIGNATURE_INVALID',
          'the token answer has a signature that does not match id + issued_at under the consumer secret',
          { ...details, status },
        )
      }
      signatureVerified = true
    }
  }
  const token: TokenInfo = {
    accessToken,
    instanceUrl: (instance.origin + instance.pathname).replace(/\/+$/, ''),
    id,
    issuedAt,
    tokenType: str('token_type') ?? 'Bearer',
  }
  const scope = str('scope')
  if (scope !== undefined) token.scope = scope
  if (signature !== undefined) token.signature = signature
  if (signatureVerified !== undefined) token.signatureVerified = signatureVerified
  // §1.7: only the web-server flow (and refresh token rotation) hands out a refresh token.
  if (request.flow === 'refresh_token' || request.flow === 'authorization_code') {
    const refreshToken = str('refresh_token') ?? request.refreshToken
    if (refreshToken !== undefined) token.refreshToken = refreshToken
  }
  return token
}
