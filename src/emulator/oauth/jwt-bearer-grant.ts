// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (salesforce-api.md §1.5): an RS256
// assertion signed with the key of the certificate uploaded to the connected app.

import { decodeJwt, importSPKI, importX509, jwtVerify } from 'jose'
import type { EmulatorState } from '../server/emulator-state.js'
import { findUser, requireActive } from './client-auth.js'
import { invalidClientId, OAuthFailure, unsupportedGrant } from './oauth-failure.js'
import { issueToken } from './token-response.js'

// Salesforce asks for `exp` at most about 3 minutes ahead; allow 5 for clock skew.
const MAX_EXP_AHEAD_S = 300

const invalidAssertion = (): OAuthFailure => new OAuthFailure('invalid_grant', 'invalid assertion')

async function verificationKey(pem: string) {
  return pem.includes('BEGIN CERTIFICATE') ? importX509(pem, 'RS256') : importSPKI(pem, 'RS256')
}

export async function jwtBearerGrant(
  state: EmulatorState,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const assertion = params.assertion
  if (!assertion) throw invalidAssertion()
  let claims: ReturnType<typeof decodeJwt>
  try {
    claims = decodeJwt(assertion)
  } catch {
    throw invalidAssertion()
  }
  const app = typeof claims.iss === 'string' ? state.apps.get(claims.iss) : undefined
  if (!app) throw invalidClientId()
  if (!app.flows.includes('jwt_bearer')) throw unsupportedGrant()
  if (!app.certificate) throw invalidAssertion()
  const now = state.now()
  try {
    await jwtVerify(assertion, await verificationKey(app.certificate), {
      algorithms: ['RS256'],
      currentDate: now,
    })
  } catch {
    throw invalidAssertion()
  }
  const nowS = Math.floor(now.getTime() / 1000)
  if (typeof claims.exp !== 'number' || claims.exp <= nowS || claims.exp > nowS + MAX_EXP_AHEAD_S)
    throw invalidAssertion()
  // The token may be requested from the My Domain host while `aud` names the login host.
  const accepted = [
    state.instanceUrl(),
    'https://login.salesforce.com',
    'https://test.salesforce.com',
  ]
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.some((a) => typeof a === 'string' && accepted.includes(a.replace(/\/$/, '')))) {
    throw new OAuthFailure('invalid_grant', 'audience is invalid')
  }
  const user = findUser(state, typeof claims.sub === 'string' ? claims.sub : undefined)
  if (!user) throw new OAuthFailure('invalid_grant', "user hasn't approved this consumer")
  requireActive(user)
  return issueToken(state, user, app, { signed: false })
}
