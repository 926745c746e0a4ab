// Authorization codes of the web-server flow: single use, bound to the app, the redirect
// URI and (with PKCE) the code challenge, valid for 15 minutes.

import { createHash } from 'node:crypto'
import { randomTokenPart } from '../auth/session-store.js'

const LIFETIME_MS = 15 * 60_000

export interface AuthorizationCode {
  appId: string
  username: string
  redirectUri: string
  challenge: string | undefined
  method: 'S256' | 'plain'
  expiresAt: number
}

export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>()

  constructor(private readonly now: () => Date) {}

  issue(entry: Omit<AuthorizationCode, 'expiresAt'>): string {
    const code = `aPrx${randomTokenPart(48)}`
    this.codes.set(code, { ...entry, expiresAt: this.now().getTime() + LIFETIME_MS })
    return code
  }

  /** The code's grant, left in place (a refused client must not use it up). */
  peek(code: string): AuthorizationCode | undefined {
    const entry = this.codes.get(code)
    return entry && entry.expiresAt >= this.now().getTime() ? entry : undefined
  }

  /** The code's grant, removed so it cannot be used twice; undefined when unknown or expired. */
  take(code: string): AuthorizationCode | undefined {
    const entry = this.codes.get(code)
    this.codes.delete(code)
    if (!entry || entry.expiresAt < this.now().getTime()) return undefined
    return entry
  }
}

/** RFC 7636: does the verifier match the challenge? */
export function verifierMatches(entry: AuthorizationCode, verifier: string): boolean {
  if (entry.challenge === undefined) return true
  const computed =
    entry.method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url')
  return computed === entry.challenge
}
