// Dashboard sessions, kept server-side in memory: a random id (the cookie) maps to the user and
// a CSRF token. A session ends at its absolute expiry or after an idle period, whichever first.
import { randomBytes, timingSafeEqual } from 'node:crypto'

export interface AdminSession {
  id: string
  user: string
  csrfToken: string
  createdAt: number
  lastSeenAt: number
}

export interface SessionStoreOptions {
  /** Absolute lifetime. Default 8 hours. */
  ttlMs?: number
  /** Ends a session nobody used for this long. Default 1 hour. */
  idleMs?: number
  now?: () => number
}

export class SessionStore {
  readonly #sessions = new Map<string, AdminSession>()
  readonly #ttlMs: number
  readonly #idleMs: number
  readonly #now: () => number

  constructor(options: SessionStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 8 * 60 * 60 * 1000
    this.#idleMs = options.idleMs ?? 60 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  create(user: string): AdminSession {
    this.#sweep()
    const now = this.#now()
    const session: AdminSession = {
      // 256 bits each: not guessable, and unrelated to each other.
      id: randomBytes(32).toString('base64url'),
      user,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    }
    this.#sessions.set(session.id, session)
    return session
  }

  /** The live session with this id (its idle clock restarted), or undefined. */
  get(id: string): AdminSession | undefined {
    const session = this.#sessions.get(id)
    if (!session) return undefined
    const now = this.#now()
    if (now - session.createdAt >= this.#ttlMs || now - session.lastSeenAt >= this.#idleMs) {
      this.#sessions.delete(id)
      return undefined
    }
    session.lastSeenAt = now
    return session
  }

  destroy(id: string): void {
    this.#sessions.delete(id)
  }

  /** Ends every session of `user` (after a password change). */
  destroyUser(user: string): void {
    for (const [id, s] of this.#sessions) if (s.user === user) this.#sessions.delete(id)
  }

  /** Seconds a new session's cookie may live. */
  get maxAgeSeconds(): number {
    return Math.floor(this.#ttlMs / 1000)
  }

  #sweep(): void {
    for (const id of this.#sessions.keys()) this.get(id)
  }
}

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
