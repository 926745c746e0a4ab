// Sign-in lock-outs for a signed-in admin: the keys the limiter blocks now (per user and address,
// per address, per user) as an API and a dashboard section, and clearing one, audited.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { SignInLockout } from '../../runtime/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { AdminState } from '../admin-state.js'
import { actionButton, dataTable, html, type Html } from '../html/index.js'
import { authenticate, authSources } from './admin-auth.js'

/** A lock-out as the admin shows it: its key read back into user and address. */
export interface LockoutView extends SignInLockout {
  kind: 'user and address' | 'address' | 'user'
  user: string | null
  address: string | null
}

const clearBody = z.object({ key: z.string().min(1).max(400) }).strict()

export function lockoutView(l: SignInLockout): LockoutView {
  if (l.key.startsWith('pair:')) {
    const rest = l.key.slice(5)
    const space = rest.indexOf(' ')
    return {
      ...l,
      kind: 'user and address',
      address: rest.slice(0, space),
      user: rest.slice(space + 1),
    }
  }
  if (l.key.startsWith('ip:')) return { ...l, kind: 'address', address: l.key.slice(3), user: null }
  return { ...l, kind: 'user', user: l.key.replace(/^user:/, ''), address: null }
}

export async function listLockouts(state: AdminState): Promise<LockoutView[]> {
  return (await state.limiter.lockouts()).map(lockoutView)
}

export function lockoutRoutes(app: FastifyInstance, state: AdminState): void {
  app.get('/api/sign-in-lockouts', async (req) => {
    await authenticate(req, authSources(state))
    return { lockouts: await listLockouts(state) }
  })
  app.post('/api/sign-in-lockouts/clear', async (req) => {
    const caller = await authenticate(req, authSources(state))
    const { key } = clearBody.parse(req.body)
    const blocked = (await state.limiter.lockouts()).find((l) => l.key === key)
    if (!blocked) {
      throw new ForcebridgeError('LOCKOUT_NOT_FOUND', `no sign-in lock-out ${key}; list them first`)
    }
    await state.limiter.succeed(key)
    const view = lockoutView(blocked)
    await state.ctx.store.audit.record({
      actor: caller.actor,
      action: 'admin.sign_in_lockout_cleared',
      target: key,
      detail: { kind: view.kind, failures: blocked.failures },
    })
    return { cleared: key }
  })
}

/** The dashboard's section: each blocked key with its wait and a Clear button. */
export function lockoutSection(lockouts: LockoutView[]): Html {
  return html`<h2>Sign-in lock-outs</h2>
    ${dataTable(
      lockouts,
      [
        { label: 'Blocked', cell: (l) => l.kind },
        { label: 'User', cell: (l) => l.user ?? '' },
        { label: 'Address', cell: (l) => l.address ?? '' },
        { label: 'Failures', cell: (l) => String(l.failures) },
        { label: 'Free in (s)', cell: (l) => String(l.retryAfter) },
        {
          label: '',
          cell: (l) =>
            actionButton('Clear', {
              action: '/admin/api/sign-in-lockouts/clear',
              body: { key: l.key },
              then: 'reload',
              className: 'secondary',
            }),
        },
      ],
      'No sign-in is blocked.',
    )}`
}
