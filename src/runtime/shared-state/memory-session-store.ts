// The in-memory SessionStore (session-store.ts): sessions in this process's memory, lost on a
// restart (everyone signs in again). A session ends at its absolute expiry or after an idle
// period, whichever first.
import { randomBytes } from 'node:crypto'
import type { AdminSession, SessionStore, SessionStoreOptions } from './session-store.js'

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, AdminSession>()
  readonly #ttlMs: number
  readonly #idleMs: number
  readonly #now: () => number

  constructor(options: SessionStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 8 * 60 * 60 * 1000
    this.#idleMs = options.idleMs ?? 60 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  get maxAgeSeconds(): number {
    return Math.floor(this.#ttlMs / 1000)
  }

  create(user: string): Promise<AdminSession> {
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
    return Promise.resolve({ ...session })
  }

  get(id: string): Promise<AdminSession | undefined> {
    const session = this.#live(id)
    return Promise.resolve(session && { ...session })
  }

  touch(id: string): Promise<AdminSession | undefined> {
    const session = this.#live(id)
    if (session) session.lastSeenAt = this.#now()
    return Promise.resolve(session && { ...session })
  }

  delete(id: string): Promise<void> {
    this.#sessions.delete(id)
    return Promise.resolve()
  }

  deleteUser(user: string): Promise<void> {
    for (const [id, s] of this.#sessions) if (s.user === user) this.#sessions.delete(id)
    return Promise.resolve()
  }

  /** The kept session if it has not ended; an ended one is dropped. */
  #live(id: string): AdminSession | undefined {
    const session = this.#sessions.get(id)
    if (!session) return undefined
    const now = this.#now()
    if (now - session.createdAt >= this.#ttlMs || now - session.lastSeenAt >= this.#idleMs) {
      this.#sessions.delete(id)
      return undefined
    }
    return session
  }

  /** Drops ended sessions, so abandoned ones do not pile up. */
  #sweep(): void {
    for (const id of this.#sessions.keys()) this.#live(id)
  }
}
