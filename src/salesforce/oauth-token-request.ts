// One request to /services/oauth2/token for any flow (salesforce-api.md §1.2–§1.7): a
// form-encoded body (never the query string), the answer parsed and its signature checked.

import { LoginError } from './login-error.js'
import { createJwtAssertion } from './jwt-assertion.js'
import { header, readText } from './http-transport.js'
import type { HttpTransport } from './http-transport.js'
import type { ResolvedOptions } from './client-options.js'
import type { TokenInfo } from './token-info.js'
import { isTokenSignatureValid } from './token-signature.js'
import { networkErrorCode } from './retry-policy.js'
import { shortText } from './api-error-from-response.js'

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** Asks for a token once. `refreshToken` is the current one in the refresh token flow. */
export async function requestToken(
  transport: HttpTransport,
  o: ResolvedOptions,
  refreshToken: string | undefined,
): Promise<TokenInfo> {
  const auth = o.auth
  const form = new URLSearchParams()
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  let clientSecret: string | undefined
  switch (auth.flow) {
    case 'password':
      form.set('grant_type', 'password')
      form.set('client_id', auth.clientId)
      form.set('client_secret', auth.clientSecret)
      form.set('username', auth.username)
      // §1.3: the security token is appended to the password with no separator.
      form.set('password', auth.password + (auth.securityToken ?? ''))
      clientSecret = auth.clientSecret
      break
    case 'client_credentials':
      form.set('grant_type', 'client_credentials')
      if (auth.clientAuth === 'basic') {
        const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')
        headers.authorization = `Basic ${basic}`
      } else {
        form.set('client_id', auth.clientId)
        form.set('client_secret', auth.clientSecret)
      }
      clientSecret = auth.clientSecret
      break
    case 'jwt_bearer':
      form.set('grant_type', JWT_GRANT)
      form.set('assertion', await createJwtAssertion(auth, o.loginUrl, o.now()))
      break
    case 'refresh_token':
      form.set('grant_type', 'refresh_token')
      form.set('refresh_token', refreshToken ?? auth.refreshToken)
      form.set('client_id', auth.clientId)
      if (auth.clientSecret) form.set('client_secret', auth.clientSecret)
      clientSecret = auth.clientSecret
      break
  }
  const details = { connection: o.name, flow: auth.flow }
  const login = new URL(o.loginUrl)
  let status: number
  let text: string
  let contentType: string | undefined
  try {
    const res = await transport.send(login.origin, {
      method: 'POST',
      path: `${login.pathname.replace(/\/$/, '')}/services/oauth2/token`,
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(o.timeoutMs),
      timeoutMs: o.timeoutMs,
    })
    status = res.statusCode
    contentType = header(res, 'content-type')
    text = await readText(res)
  } catch (cause) {
    const code = networkErrorCode(cause) ?? (cause as Error).name
    throw new LoginError(
      'LOGIN_UNAVAILABLE',
      `the token request to ${o.loginUrl} failed (${code})`,
      {
        ...details,
        cause,
      },
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
      ? `the login host ${o.loginUrl} answered HTTP ${status} ${str('error') ?? ''}`.trim()
      : `the login host ${o.loginUrl} answered HTTP ${status} with ${contentType ?? 'no content type'} instead of JSON: "${shortText(text)}"`
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
  const issuedAt = str('issued_at') ?? String(o.now())
  const signature = str('signature')
  let signatureVerified: boolean | undefined
  if (signature !== undefined) {
    signatureVerified = false
    if (clientSecret !== undefined) {
      if (!isTokenSignatureValid(clientSecret, id, str('issued_at') ?? '', signature)) {
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
  if (auth.flow === 'refresh_token') {
    token.refreshToken = str('refresh_token') ?? refreshToken ?? auth.refreshToken
  }
  return token
}
