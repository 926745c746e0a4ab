// Browser sessions of the Setup pages: a random id in an HttpOnly cookie, each session with
// its own CSRF token that every form posts back. Memory only: a restart logs everyone out.

import { randomBytes, timingSafeEqual } from 'node:crypto'

export interface UiSession {
  userId: string
  username: string
  csrf: string
  /** Epoch ms of the last request, for the idle timeout. */
  seenAt: number
}

export const SESSION_COOKIE = 'fb_setup_sid'
const IDLE_MS = 2 * 60 * 60 * 1000

export const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url')

/** Compares two secrets in constant time. */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

export function cookie(name: string, value: string, maxAgeSeconds?: number): string {
  const age = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax${age}`
}

export class UiSessions {
  private readonly sessions = new Map<string, UiSession>()

  create(userId: string, username: string): { id: string; session: UiSession } {
    const id = randomToken()
    const session = { userId, username, csrf: randomToken(), seenAt: Date.now() }
    this.sessions.set(id, session)
    return { id, session }
  }

  get(id: string | undefined): UiSession | undefined {
    if (id === undefined) return undefined
    const session = this.sessions.get(id)
    if (session === undefined) return undefined
    if (Date.now() - session.seenAt > IDLE_MS) {
      this.sessions.delete(id)
      return undefined
    }
    session.seenAt = Date.now()
    return session
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id)
  }
}
