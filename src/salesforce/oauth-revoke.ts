// Revokes an access or refresh token: POST /services/oauth2/revoke, form `token=`
// (salesforce-api.md §1.10; success is 200 with an empty body, failure 400).

import { SalesforceError } from './salesforce-error.js'
import { readText } from './http-transport.js'
import type { HttpTransport } from './http-transport.js'
import type { ResolvedOptions } from './client-options.js'

export async function revokeToken(
  transport: HttpTransport,
  o: ResolvedOptions,
  token: string,
): Promise<void> {
  const login = new URL(o.loginUrl)
  let status: number
  let text: string
  try {
    const res = await transport.send(login.origin, {
      method: 'POST',
      path: `${login.pathname.replace(/\/$/, '')}/services/oauth2/revoke`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(o.timeoutMs),
      timeoutMs: o.timeoutMs,
    })
    status = res.statusCode
    text = await readText(res)
  } catch (cause) {
    throw new SalesforceError(
      'REVOKE_FAILED',
      `connection '${o.name}': the revoke request to ${o.loginUrl} failed; the token stays valid until it expires`,
      { connection: o.name, cause },
    )
  }
  if (status === 200) return
  // The error body may be JSON or form-encoded (jsforce parses it as a form); read both.
  let error: string
  try {
    const json = JSON.parse(text) as { error?: unknown }
    error = typeof json.error === 'string' ? json.error : ''
  } catch {
    error = new URLSearchParams(text).get('error') ?? ''
  }
  // An already invalid token is what revoking wants to achieve.
  if (status === 400 && error === 'invalid_token') return
  throw new SalesforceError(
    'REVOKE_FAILED',
    `connection '${o.name}': Salesforce refused to revoke the token (HTTP ${status}${error ? ` ${error}` : ''}); the token stays valid until it expires`,
    { connection: o.name },
  )
}
