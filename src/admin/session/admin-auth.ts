// Who is calling the admin: a dashboard session (cookie, plus a CSRF token on every change) or
// the bearer admin token for the CLI and automation. Everything under /admin/api but sign-in
// needs one of the two.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AdminSession, SessionStore } from '../../runtime/index.js'
import type { AdminUserInfo } from '../../store/index.js'
import type { AdminState } from '../admin-state.js'
import { ForcebridgeError } from '../../util/index.js'

export const SESSION_COOKIE = 'fb_admin_session'
export const CSRF_HEADER = 'x-csrf-token'

export interface Caller {
  /** The admin user's name, or `token` for the bearer admin token. */
  actor: string
  session: AdminSession | undefined
}

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** The session of the request's cookie, if it is live (its idle clock restarted: a use). */
export async function sessionOf(
  req: FastifyRequest,
  sessions: SessionStore,
): Promise<AdminSession | undefined> {
  const id = readCookie(req, SESSION_COOKIE)
  return id ? sessions.touch(id) : undefined
}

export function setSessionCookie(
  reply: FastifyReply,
  session: AdminSession | undefined,
  options: { secure: boolean; maxAgeSeconds: number },
): void {
  // HttpOnly: page scripts cannot read it. SameSite=Strict: no other site can send it.
  const attrs = [
    'Path=/admin',
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ]
  const value = session
    ? `${SESSION_COOKIE}=${session.id}; Max-Age=${options.maxAgeSeconds}`
    : `${SESSION_COOKIE}=; Max-Age=0`
  reply.header('Set-Cookie', [value, ...attrs].join('; '))
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** What authenticate needs: the sessions, the admin users behind them, the bearer token. */
export interface AuthSources {
  sessions: SessionStore
  users: { find(name: string): Promise<AdminUserInfo | undefined> }
  apiToken: string | undefined
}

/**
 * The request's session while it is live and its user unchanged, `{ ended }` saying why when
 * its user was removed or got a new password after it began (the session is deleted then), or
 * undefined when there is none. Both changes are made by `forcebridge admin user` in another
 * process (or on another node), which cannot reach this process's sessions, so each use checks
 * the user's row (one indexed read).
 */
export async function liveSession(
  req: FastifyRequest,
  sources: Pick<AuthSources, 'sessions' | 'users'>,
): Promise<AdminSession | { ended: string } | undefined> {
  const session = await sessionOf(req, sources.sessions)
  if (!session) return undefined
  const user = await sources.users.find(session.user)
  if (user && Date.parse(user.updatedAt) <= session.createdAt) return session
  await sources.sessions.delete(session.id)
  return {
    ended: user
      ? `the password of admin user '${session.user}' changed after this session began; sign in again`
      : `admin user '${session.user}' no longer exists; sign in as another user`,
  }
}

/** The parts of the admin state that authenticate a caller. */
export function authSources(state: AdminState): AuthSources {
  return { sessions: state.sessions, users: state.ctx.store.adminUsers, apiToken: state.apiToken }
}

/**
 * The caller of an admin API request, or UNAUTHORIZED / CSRF_REJECTED. A session must send its
 * CSRF token in X-CSRF-Token on every method that changes something; the bearer token needs
 * none, since a browser never sends it on its own.
 * A session also ends when its user was removed or got a new password (see liveSession).
 */
export async function authenticate(req: FastifyRequest, sources: AuthSources): Promise<Caller> {
  const { apiToken } = sources
  const auth = req.headers.authorization
  const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined
  if (bearer !== undefined) {
    if (apiToken !== undefined && sameToken(bearer, apiToken)) {
      return { actor: 'token', session: undefined }
    }
    throw new ForcebridgeError('UNAUTHORIZED', 'the admin token is not valid')
  }
  const session = await liveSession(req, sources)
  if (session === undefined) {
    throw new ForcebridgeError('UNAUTHORIZED', 'sign in first (POST /admin/api/session)')
  }
  if ('ended' in session) throw new ForcebridgeError('UNAUTHORIZED', session.ended)
  if (!SAFE_METHODS.has(req.method)) {
    const presented = req.headers[CSRF_HEADER]
    if (typeof presented !== 'string' || !sameToken(presented, session.csrfToken)) {
      throw new ForcebridgeError(
        'CSRF_REJECTED',
        'missing or wrong X-CSRF-Token header; reload the page and try again',
      )
    }
  }
  return { actor: session.user, session }
}

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
