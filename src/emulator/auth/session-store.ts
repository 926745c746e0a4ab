// Access tokens (sessions) and refresh tokens the emulator has issued, with Salesforce's
// idle session timeout, revocation, and "expire every session now" for tests.

import { randomBytes } from 'node:crypto'
import type { Session } from '../server/emulator-context.js'

interface SessionEntry extends Session {
  lastUsed: number
  /** The refresh token this session was obtained with, so revoking it revokes the session. */
  refreshToken: string | null
}

export interface RefreshTokenEntry {
  token: string
  userId: string
  username: string
  appId: string
}

/** A random token body in Salesforce's alphabet (letters, digits, `.` and `_`). */
export function randomTokenPart(bytes: number): string {
  return randomBytes(bytes)
    .toString('base64')
    .replace(/\+/g, '.')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

export class SessionStore {
  private readonly sessions = new Map<string, SessionEntry>()
  private readonly refreshTokens = new Map<string, RefreshTokenEntry>()
  private issuedSinceSweep = 0

  constructor(
    private readonly orgId: string,
    private readonly now: () => Date,
    /** Idle timeout in minutes (org setting `sessionTimeoutMinutes`). */
    private readonly timeoutMinutes: number,
  ) {}

  /** Issue an access token `00D<org15>!<random>` (the shape of Salesforce's session ids). */
  issue(
    user: { id: string; username: string },
    appId: string | null,
    refreshToken: string | null = null,
  ): Session {
    const accessToken = `${this.orgId.slice(0, 15)}!${randomTokenPart(72)}`
    const issuedAt = this.now().getTime()
    const entry: SessionEntry = {
      accessToken,
      userId: user.id,
      orgId: this.orgId,
      username: user.username,
      appId,
      issuedAt,
      lastUsed: issuedAt,
      refreshToken,
    }
    this.sessions.set(accessToken, entry)
    // Drop idle sessions now and then, so a client that logs in for every call (the very
    // thing forcebridge avoids) cannot grow the emulator's memory without bound.
    if (++this.issuedSinceSweep >= 1000) this.sweep()
    return this.publicView(entry)
  }

  /** The live session for this token, or undefined (unknown, revoked or idle too long). */
  use(accessToken: string): Session | undefined {
    const entry = this.sessions.get(accessToken)
    if (!entry) return undefined
    const now = this.now().getTime()
    if (now - entry.lastUsed > this.timeoutMinutes * 60_000) {
      this.sessions.delete(accessToken)
      return undefined
    }
    entry.lastUsed = now
    return this.publicView(entry)
  }

  /**
   * What introspection reports about a token, without counting as a use: an access token
   * (with the moment it expires if left idle) or a refresh token, or undefined.
   */
  inspect(
    token: string,
  ):
    | { kind: 'access_token'; session: Session; expiresAt: number }
    | { kind: 'refresh_token'; entry: RefreshTokenEntry }
    | undefined {
    const entry = this.sessions.get(token)
    if (entry) {
      const expiresAt = entry.lastUsed + this.timeoutMinutes * 60_000
      if (this.now().getTime() > expiresAt) return undefined
      return { kind: 'access_token', session: this.publicView(entry), expiresAt }
    }
    const refresh = this.refreshTokens.get(token)
    return refresh ? { kind: 'refresh_token', entry: refresh } : undefined
  }

  private sweep(): void {
    this.issuedSinceSweep = 0
    const oldest = this.now().getTime() - this.timeoutMinutes * 60_000
    for (const [token, entry] of this.sessions)
      if (entry.lastUsed < oldest) this.sessions.delete(token)
  }

  /** Invalidate every access token (refresh tokens stay valid, as after a session timeout). */
  expireAll(): void {
    this.sessions.clear()
  }

  issueRefreshToken(user: { id: string; username: string }, appId: string): string {
    const token = `5Aep861${randomTokenPart(60)}`
    this.refreshTokens.set(token, { token, userId: user.id, username: user.username, appId })
    return token
  }

  refreshToken(token: string): RefreshTokenEntry | undefined {
    return this.refreshTokens.get(token)
  }

  /**
   * Revoke an access or refresh token. Revoking a refresh token also revokes the access
   * tokens obtained with it (SF-Help "Revoke OAuth Tokens"). Returns false when unknown.
   */
  revoke(token: string): boolean {
    if (this.sessions.delete(token)) return true
    if (!this.refreshTokens.delete(token)) return false
    for (const [key, entry] of this.sessions) {
      if (entry.refreshToken === token) this.sessions.delete(key)
    }
    return true
  }

  private publicView(entry: SessionEntry): Session {
    return {
      accessToken: entry.accessToken,
      userId: entry.userId,
      orgId: entry.orgId,
      username: entry.username,
      appId: entry.appId,
      issuedAt: entry.issuedAt,
    }
  }
}
