// Sign-in and sign-out for the dashboard: POST /admin/api/session checks the password (limited
// per user name and address, per address, and slowed per user name: sign-in-limiter.ts) and sets
// the session cookie; DELETE ends it.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { signInKeys } from '../../runtime/index.js'
import { ForcebridgeError } from '../../util/index.js'
import { authenticate, authSources, sessionOf, setSessionCookie } from './admin-auth.js'
import type { AdminState } from '../admin-state.js'

const signInBody = z
  .object({ name: z.string().trim().min(1).max(120), password: z.string().min(1).max(1024) })
  .strict()

export function sessionRoutes(app: FastifyInstance, state: AdminState): void {
  const cookie = () => ({ secure: state.secureCookie, maxAgeSeconds: state.sessions.maxAgeSeconds })

  app.post('/api/session', async (req, reply) => {
    const body = signInBody.parse(req.body)
    const key = signInKeys(body.name, req.ip)
    const keys = [key.pair, key.address, key.user]
    const wait = await state.limiter.retryAfter(keys)
    if (wait > 0) {
      await state.ctx.store.audit.record({
        actor: body.name,
        action: 'admin.sign_in_refused',
        target: body.name,
        detail: { ip: req.ip, reason: 'rate limited' },
      })
      reply.header('Retry-After', String(wait))
      throw new ForcebridgeError(
        'SIGN_IN_RATE_LIMITED',
        wait < 120
          ? `too many failed sign-ins; try again in ${wait} second(s)`
          : `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute(s)`,
      )
    }
    const user = await state.ctx.store.adminUsers.verify(body.name, body.password)
    if (!user) {
      await state.limiter.fail(keys)
      await state.ctx.store.audit.record({
        actor: body.name,
        action: 'admin.sign_in_failed',
        target: body.name,
        detail: { ip: req.ip },
      })
      // One message for an unknown user and a wrong password: names are not to be probed.
      throw new ForcebridgeError('UNAUTHORIZED', 'wrong user name or password')
    }
    // Only this address's count for the user: guesses from elsewhere keep the user's backoff.
    await state.limiter.succeed(key.pair)
    // A new id at every sign-in, so a session id planted before sign-in is worthless.
    const old = await sessionOf(req, state.sessions)
    if (old) await state.sessions.delete(old.id)
    const session = await state.sessions.create(user.name)
    setSessionCookie(reply, session, cookie())
    await state.ctx.store.audit.record({
      actor: user.name,
      action: 'admin.sign_in',
      target: user.name,
      detail: { ip: req.ip },
    })
    return { user: user.name, csrfToken: session.csrfToken }
  })

  app.get('/api/session', async (req) => {
    const caller = await authenticate(req, authSources(state))
    return { user: caller.actor, csrfToken: caller.session?.csrfToken ?? null }
  })

  app.delete('/api/session', async (req, reply) => {
    const caller = await authenticate(req, authSources(state))
    if (caller.session) await state.sessions.delete(caller.session.id)
    setSessionCookie(reply, undefined, cookie())
    await state.ctx.store.audit.record({
      actor: caller.actor,
      action: 'admin.sign_out',
      target: caller.actor,
    })
    return { signedOut: true }
  })
}
