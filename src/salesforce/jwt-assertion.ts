// Builds the RS256 JWT assertion of the JWT bearer flow (salesforce-api.md §1.5).

import { createPrivateKey } from 'node:crypto'
import { SignJWT } from 'jose'
import { isLoopbackHost } from './client-options.js'
import type { JwtBearerAuth } from './client-options.js'

/**
 * `aud` is the generic login host, not My Domain: test.salesforce.com for sandboxes (a loginUrl
 * on test.salesforce.com or *.sandbox.my.salesforce.com), login.salesforce.com otherwise; a
 * loopback loginUrl (the emulator) is used as is. An explicit `audience` wins.
 */
export function jwtAudience(auth: JwtBearerAuth, loginUrl: string): string {
  if (auth.audience) return auth.audience
  const host = new URL(loginUrl).hostname
  if (isLoopbackHost(host)) return loginUrl
  if (/^test\.salesforce\.com$/i.test(host) || /\.sandbox\.my\.salesforce\.com$/i.test(host)) {
    return 'https://test.salesforce.com'
  }
  return 'https://login.salesforce.com'
}

/** A signed assertion: iss consumer key, sub username, aud, exp now + 3 minutes (seconds). */
export async function createJwtAssertion(
  auth: JwtBearerAuth,
  loginUrl: string,
  nowMs: number,
): Promise<string> {
  // node:crypto reads both PKCS#8 ("BEGIN PRIVATE KEY") and PKCS#1 ("BEGIN RSA PRIVATE KEY").
  const key = createPrivateKey(auth.privateKey)
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(auth.clientId)
    .setSubject(auth.username)
    .setAudience(jwtAudience(auth, loginUrl))
    .setExpirationTime(Math.floor(nowMs / 1000) + 180)
    .sign(key)
}
