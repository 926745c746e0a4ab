// The token request of each flow a client logs in with (salesforce-api.md §1.3–§1.6): the form
// it sends; sending it and reading the answer is token-endpoint.ts.

import { createJwtAssertion } from './jwt-assertion.js'
import type { HttpTransport } from './http-transport.js'
import type { ResolvedOptions } from './client-options.js'
import type { TokenInfo } from './token-info.js'
import { sendTokenForm, type TokenForm } from './token-endpoint.js'

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** Asks for a token once. `refreshToken` is the current one in the refresh token flow. */
export async function requestToken(
  transport: HttpTransport,
  o: ResolvedOptions,
  refreshToken: string | undefined,
): Promise<TokenInfo> {
  return sendTokenForm(transport, o, await tokenForm(o, refreshToken))
}

async function tokenForm(o: ResolvedOptions, refreshToken: string | undefined): Promise<TokenForm> {
  const auth = o.auth
  const form = new URLSearchParams()
  switch (auth.flow) {
    case 'password':
      form.set('grant_type', 'password')
      form.set('client_id', auth.clientId)
      form.set('client_secret', auth.clientSecret)
      form.set('username', auth.username)
      // §1.3: the security token is appended to the password with no separator.
      form.set('password', auth.password + (auth.securityToken ?? ''))
      return { flow: auth.flow, form, clientSecret: auth.clientSecret }
    case 'client_credentials': {
      form.set('grant_type', 'client_credentials')
      const headers: Record<string, string> = {}
      if (auth.clientAuth === 'basic') {
        const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')
        headers.authorization = `Basic ${basic}`
      } else {
        form.set('client_id', auth.clientId)
        form.set('client_secret', auth.clientSecret)
      }
      return { flow: auth.flow, form, headers, clientSecret: auth.clientSecret }
    }
    case 'jwt_bearer':
      form.set('grant_type', JWT_GRANT)
      form.set('assertion', await createJwtAssertion(auth, o.loginUrl, o.now()))
      return { flow: auth.flow, form, clientSecret: undefined }
    case 'refresh_token': {
      const current = refreshToken ?? auth.refreshToken
      form.set('grant_type', 'refresh_token')
      form.set('refresh_token', current)
      form.set('client_id', auth.clientId)
      if (auth.clientSecret) form.set('client_secret', auth.clientSecret)
      // Without rotation the answer has no refresh_token: the current one stays valid (§1.6).
      return { flow: auth.flow, form, clientSecret: auth.clientSecret, refreshToken: current }
    }
  }
}
